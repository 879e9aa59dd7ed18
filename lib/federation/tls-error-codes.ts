// Node's (OpenSSL's) verification error codes for a certificate chain that is not trusted —
// the "not ours to trust" family, apart from expiry and a wrong name, which say more.
// Node docs: "tls.TLSSocket.authorizationError" / X509 verification error codes.
export const UNTRUSTED_CERT_CODES: ReadonlySet<string> = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
  "CERT_CHAIN_TOO_LONG",
  "INVALID_CA",
  "CERT_REVOKED",
]);

/** Every certificate verdict: untrusted, expired or not yet valid, or for another name. */
export function isCertificateError(code: string): boolean {
  return (
    UNTRUSTED_CERT_CODES.has(code) ||
    code === "CERT_HAS_EXPIRED" ||
    code === "CERT_NOT_YET_VALID" ||
    code === "ERR_TLS_CERT_ALTNAME_INVALID"
  );
}
