// The checks of GET /_matrix/key/v2/server (Matrix server-server API §"Publishing Keys"), as
// the federation tester runs them (gomatrixserverlib CheckKeys): server_name is the name asked
// for, valid_until_ts lies in the future, there is an ed25519 key, and each ed25519 key is 32
// bytes and verifies the response's signature over its canonical JSON (signatures and unsigned
// removed, Appendices §"Signing JSON").
import { createPublicKey, verify } from "node:crypto";
import { CanonicalJsonError, canonicalJson } from "./canonical-json";

// SubjectPublicKeyInfo DER prefix of an Ed25519 key (RFC 8410): the 32 key bytes follow.
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export type VerifyKeyCheck = { keyId: string; key: string; validEd25519: boolean; matchingSignature: boolean };
export type OldVerifyKey = { keyId: string; key: string | null; expiredTs: number | null };

export type ServerKeyChecks = {
  serverName: string | null;
  matchingServerName: boolean;
  validUntilTs: number | null;
  futureValidUntilTs: boolean;
  hasEd25519Key: boolean;
  /** null when there was no ed25519 key to check (as the tester's *bool). */
  allEd25519ChecksOk: boolean | null;
  verifyKeys: VerifyKeyCheck[];
  oldVerifyKeys: OldVerifyKey[];
  allChecksOk: boolean;
  /** Plain words for each failed check, in the order above. */
  problems: string[];
};

/** Unpadded or padded standard / URL-safe base64 (the spec says unpadded standard). */
export function decodeBase64(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return null;
  return Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function verifies(publicKey: Buffer, signature: string | undefined, message: string | null): boolean {
  if (signature === undefined || message === null) return false;
  const sig = decodeBase64(signature);
  if (sig === null || sig.length !== 64) return false;
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: "der", type: "spki" });
  return verify(null, Buffer.from(message, "utf8"), key, sig);
}

/** Checks a parsed key response for `expectedServerName` at time `now` (ms). */
export function checkServerKeys(json: unknown, expectedServerName: string, now: number): ServerKeyChecks {
  const body = record(json) ?? {};
  const serverName = typeof body.server_name === "string" ? body.server_name : null;
  const validUntilTs = typeof body.valid_until_ts === "number" ? body.valid_until_ts : null;
  const { signatures, unsigned: _unsigned, ...signed } = body;
  let message: string | null;
  try {
    message = canonicalJson(signed);
  } catch (e) {
    if (!(e instanceof CanonicalJsonError)) throw e;
    message = null;
  }
  const ours = record(record(signatures)?.[expectedServerName]) ?? {};

  const verifyKeys: VerifyKeyCheck[] = [];
  for (const [keyId, entry] of Object.entries(record(body.verify_keys) ?? {})) {
    if (!keyId.startsWith("ed25519:")) continue;
    const key = record(entry)?.key;
    const bytes = typeof key === "string" ? decodeBase64(key) : null;
    const validEd25519 = bytes !== null && bytes.length === 32;
    const sig = ours[keyId];
    verifyKeys.push({
      keyId,
      key: typeof key === "string" ? key : "",
      validEd25519,
      matchingSignature: validEd25519 && verifies(bytes, typeof sig === "string" ? sig : undefined, message),
    });
  }
  const oldVerifyKeys: OldVerifyKey[] = Object.entries(record(body.old_verify_keys) ?? {}).map(([keyId, entry]) => {
    const e = record(entry) ?? {};
    return {
      keyId,
      key: typeof e.key === "string" ? e.key : null,
      expiredTs: typeof e.expired_ts === "number" ? e.expired_ts : null,
    };
  });

  const matchingServerName = serverName === expectedServerName;
  const futureValidUntilTs = validUntilTs !== null && validUntilTs > now;
  const hasEd25519Key = verifyKeys.length > 0;
  const allEd25519ChecksOk = hasEd25519Key ? verifyKeys.every((k) => k.validEd25519 && k.matchingSignature) : null;
  const problems: string[] = [];
  if (!matchingServerName) {
    problems.push(
      serverName === null
        ? "the key response has no server_name"
        : `the key response is for ${JSON.stringify(serverName)}, not ${JSON.stringify(expectedServerName)}`,
    );
  }
  if (!futureValidUntilTs) {
    problems.push(
      validUntilTs === null
        ? "the key response has no valid_until_ts"
        : `the server's keys expired (valid_until_ts ${new Date(validUntilTs).toISOString()} is in the past)`,
    );
  }
  if (!hasEd25519Key) problems.push("the server publishes no ed25519 verify key");
  for (const k of verifyKeys) {
    if (!k.validEd25519) problems.push(`verify key ${k.keyId} is not a 32-byte ed25519 key`);
    else if (!k.matchingSignature) {
      problems.push(`the key response's signature by ${k.keyId} does not verify (for ${expectedServerName})`);
    }
  }
  return {
    serverName,
    matchingServerName,
    validUntilTs,
    futureValidUntilTs,
    hasEd25519Key,
    allEd25519ChecksOk,
    verifyKeys,
    oldVerifyKeys,
    allChecksOk: matchingServerName && futureValidUntilTs && hasEd25519Key && allEd25519ChecksOk === true,
    problems,
  };
}
