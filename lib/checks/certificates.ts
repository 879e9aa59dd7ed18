// The certificate chain a server presented, summarised for the report: subject CN, SANs,
// issuer, validity and SHA-256 fingerprint of each, leaf first (as the tester lists them).
import { X509Certificate } from "node:crypto";
import type { DetailedPeerCertificate } from "node:tls";
import type { CertificateSummary } from "./report-model";

const DAY_MS = 86_400_000;
const MAX_CHAIN = 10;

function commonName(dn: string): string | null {
  const line = dn.split("\n").find((l) => l.startsWith("CN="));
  return line === undefined ? null : line.slice(3);
}

export function summarizeCertificate(der: Buffer): CertificateSummary {
  const x = new X509Certificate(der);
  return {
    subjectCommonName: commonName(x.subject),
    subjectAltNames: (x.subjectAltName ?? "")
      .split(", ")
      .filter((n) => n !== "")
      .map((n) => n.replace(/^DNS:/, "").replace(/^IP Address:/, "")),
    issuerCommonName: commonName(x.issuer),
    notBefore: new Date(x.validFrom).toISOString(),
    notAfter: new Date(x.validTo).toISOString(),
    sha256Fingerprint: x.fingerprint256,
  };
}

/** The chain as the peer sent it (node links each certificate to its issuer; a root links to itself). */
export function peerChain(leaf: DetailedPeerCertificate): Buffer[] {
  const chain: Buffer[] = [];
  let cert: DetailedPeerCertificate | undefined = leaf;
  while (cert?.raw !== undefined && chain.length < MAX_CHAIN) {
    chain.push(cert.raw);
    if (cert.issuerCertificate === undefined || cert.issuerCertificate === cert) break;
    cert = cert.issuerCertificate;
  }
  return chain;
}

/** Whole days until `notAfter` (negative once expired), from `now`. */
export function daysUntil(notAfter: string, now: number): number {
  return Math.floor((Date.parse(notAfter) - now) / DAY_MS);
}
