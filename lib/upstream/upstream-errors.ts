// Plain-words messages for what can go wrong talking to the upstream, and the Matrix error of
// an error answer ({"errcode": "M_…", "error": "…"}, Matrix spec "Standard error response").
import { type JsonValue, parseJsonExact } from "../destinations/exact-json";
import { isCertificateError } from "../federation/tls-error-codes";

export type MatrixError = { errcode: string; error: string };

/** A socket, DNS or TLS error of a request to `host`, in words (never the request's headers). */
export function describeTransportError(error: unknown, host: string): string {
  const code = error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : "";
  const text = error instanceof Error ? error.message : String(error);
  switch (code) {
    case "ECONNREFUSED":
      return `connection refused by ${host}`;
    case "ENOTFOUND":
      return `no such host: ${host}`;
    case "ENODATA":
      return `${host} has no A or AAAA records`;
    case "EAI_AGAIN":
      return `resolving ${host} failed temporarily (EAI_AGAIN)`;
    case "ECONNRESET":
    case "EPIPE":
      return `connection closed by ${host}`;
    case "ETIMEDOUT":
    case "ENETUNREACH":
    case "EHOSTUNREACH":
    case "EADDRNOTAVAIL":
      return `cannot reach ${host} (${code})`;
  }
  if (isCertificateError(code)) return `TLS certificate of ${host} not accepted: ${text}`;
  if (code.startsWith("ERR_SSL") || code === "EPROTO") return `TLS handshake with ${host} failed: ${text}`;
  if (code.startsWith("HPE_")) return `invalid HTTP answer from ${host}: ${text}`;
  return `request to ${host} failed: ${code ? `${code} ` : ""}${text}`;
}

/** The {errcode, error} of an error answer's body, when it is one (the body may be anything). */
export function matrixErrorOf(text: string | null): MatrixError | undefined {
  if (text === null || text.length > 65_536) return undefined;
  let v: JsonValue;
  try {
    v = parseJsonExact(text);
  } catch {
    return undefined;
  }
  if (!(v instanceof Map)) return undefined;
  const errcode = v.get("errcode");
  const error = v.get("error");
  if (typeof errcode !== "string" || errcode === "") return undefined;
  return { errcode: errcode.slice(0, 128), error: typeof error === "string" ? error.slice(0, 1000) : "" };
}
