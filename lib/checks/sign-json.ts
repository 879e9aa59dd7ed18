// Signing JSON with an ed25519 key (Matrix spec, Appendices §"Signing JSON"): the test fleet
// signs its key responses with it, and the unit tests pin it to the spec's test vectors.
import { createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";
import { canonicalJson } from "./canonical-json";

// PKCS#8 DER prefix of an Ed25519 private key (RFC 8410): the 32-byte seed follows.
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export const unpaddedBase64 = (bytes: Buffer): string => bytes.toString("base64").replace(/=+$/, "");

export type SigningKey = { keyId: string; privateKey: KeyObject; publicKeyBase64: string };

export function signingKeyFromSeed(seed: Buffer, keyId: string): SigningKey {
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: "der",
    type: "pkcs8",
  });
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return { keyId, privateKey, publicKeyBase64: unpaddedBase64(spki.subarray(spki.length - 32)) };
}

/** `value` with signatures[serverName][keyId] added (signatures and unsigned are not signed). */
export type Signed<T> = T & { signatures: Record<string, Record<string, string>> };

export function signJson<T extends Record<string, unknown>>(value: T, serverName: string, key: SigningKey): Signed<T> {
  const { signatures, unsigned, ...signed } = value as Record<string, unknown>;
  const signature = unpaddedBase64(sign(null, Buffer.from(canonicalJson(signed), "utf8"), key.privateKey));
  const existing = (signatures ?? {}) as Record<string, Record<string, string>>;
  return {
    ...value,
    signatures: { ...existing, [serverName]: { ...existing[serverName], [key.keyId]: signature } },
    ...(unsigned === undefined ? {} : { unsigned }),
  };
}
