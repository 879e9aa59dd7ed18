// Team members as Matrix users: a reversible mapping between our e-mail addresses and Matrix
// user ids "@<localpart>:<server name>", for Synapse admin UIs (Ketesa, synapse-admin).
//
// The localpart keeps a-z, 0-9, ".", "_" and "-" as they are and writes every other byte of
// the UTF-8 address as "=xx" (lowercase hex), like the Matrix spec's mapping of third-party
// identifiers: alice@example.org ↔ @alice=40example.org:<server>. "/" and "+" are legal in
// Matrix localparts but are escaped too: the admin UIs put user ids into URL paths unescaped
// and validate localparts with /[a-zA-Z0-9._=\-/]+/. Decoding accepts only the canonical
// form, so the mapping is a bijection between addresses and the localparts it produces.

const KEEP = /^[a-z0-9._-]$/;
const CANONICAL = /^(?:[a-z0-9._-]|=[0-9a-f]{2})+$/;

export function emailToLocalpart(email: string): string {
  let out = "";
  for (const byte of Buffer.from(email, "utf8")) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && KEEP.test(ch) ? ch : "=" + byte.toString(16).padStart(2, "0");
  }
  return out;
}

/** The e-mail address a localpart stands for, or null if it is not one this mapping produces. */
export function localpartToEmail(localpart: string): string | null {
  if (!CANONICAL.test(localpart)) return null;
  const bytes: number[] = [];
  for (let i = 0; i < localpart.length; ) {
    if (localpart[i] === "=") {
      bytes.push(parseInt(localpart.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      bytes.push(localpart.charCodeAt(i));
      i += 1;
    }
  }
  let email: string;
  try {
    email = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return null;
  }
  // only the canonical spelling maps back (e.g. "=61" is not "a")
  return emailToLocalpart(email) === localpart ? email : null;
}

export function toMatrixUserId(email: string, serverName: string): string {
  return `@${emailToLocalpart(email)}:${serverName}`;
}

/** Splits "@localpart:server" (the server part may hold a port or an IPv6 literal). */
export function splitMatrixUserId(userId: string): { localpart: string; server: string } | null {
  if (!userId.startsWith("@")) return null;
  const colon = userId.indexOf(":");
  if (colon < 2 || colon === userId.length - 1) return null;
  return { localpart: userId.slice(1, colon), server: userId.slice(colon + 1) };
}

/** The e-mail address of a local Matrix user id, or null (another server, or not a mapped id). */
export function matrixUserIdToEmail(userId: string, serverName: string): string | null {
  const parts = splitMatrixUserId(userId);
  if (!parts || parts.server.toLowerCase() !== serverName.toLowerCase()) return null;
  return localpartToEmail(parts.localpart);
}
