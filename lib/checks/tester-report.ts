// The federation tester's JSON (matrix-org/matrix-federation-tester main.go ServerReport;
// MTRNord/rust-federation-tester src/response.rs has the same fields, WellKnownResult keyed by
// address), derived from a check report, so tools
// and the testers' web UIs can point at /api/report. FederationOK keeps the tester's stricter
// rule: any address that cannot be connected to, or fails a check, makes it false (our own
// summary calls an unreachable address beside a working one a warning).
import type { AddressReport, CheckReport } from "./report-model";

type Message = { Message: string };
const message = (text: string | null): Message | null => (text === null ? null : { Message: text });
const fqdn = (name: string) => (name.endsWith(".") ? name : `${name}.`);

export type TesterChecks = {
  AllChecksOK: boolean;
  MatchingServerName: boolean;
  FutureValidUntilTS: boolean;
  HasEd25519Key: boolean;
  AllEd25519ChecksOK: boolean | null;
  Ed25519Checks: Record<string, { ValidEd25519: boolean; MatchingSignature: boolean }>;
  ValidCertificates: boolean;
};

export type TesterConnectionReport = {
  Certificates: {
    SubjectCommonName: string;
    IssuerCommonName: string;
    SHA256Fingerprint: string;
    DNSNames: string[];
  }[];
  Cipher: { Version: string; CipherSuite: string };
  Checks: TesterChecks;
  Errors: Message[];
  Ed25519VerifyKeys: Record<string, string> | null;
  Info: Record<string, never>;
  Keys: unknown;
};

export type TesterReport = {
  Error?: string;
  WellKnownResult: { "m.server": string; result?: string; CacheExpiresAt: number };
  DNSResult: {
    SRVSkipped: boolean;
    SRVCName: string;
    SRVRecords: { Target: string; Port: number; Priority: number; Weight: number }[] | null;
    SRVError: Message | null;
    Hosts: Record<string, { CName: string; Addrs: string[]; Error: Message | null }>;
    Addrs: string[];
  };
  ConnectionReports: Record<string, TesterConnectionReport>;
  ConnectionErrors: Record<string, Message>;
  Version: { name?: string; version?: string; error?: string };
  FederationOK: boolean;
};

/** "AB:CD:…" (node's fingerprint256) → unpadded base64, as gomatrixserverlib.Base64String. */
export function fingerprintBase64(hex: string): string {
  return Buffer.from(hex.replace(/:/g, ""), "hex").toString("base64").replace(/=+$/, "");
}

function connectionReport(a: AddressReport): TesterConnectionReport | null {
  const tls = a.tls;
  const keys = a.keys;
  if (tls === null || tls.error !== null || keys === null || keys.checks === null) return null;
  const k = keys.checks;
  const validCertificates = tls.trusted && tls.validForName && (tls.expiresInDays ?? -1) >= 0;
  const allChecksOk = k.allChecksOk && validCertificates;
  const errors: Message[] = [];
  if (!validCertificates) errors.push({ Message: tls.verdict || tls.trustError || "invalid certificate" });
  return {
    Certificates: tls.certificates.map((c) => ({
      SubjectCommonName: c.subjectCommonName ?? "",
      IssuerCommonName: c.issuerCommonName ?? "",
      SHA256Fingerprint: fingerprintBase64(c.sha256Fingerprint),
      DNSNames: c.subjectAltNames,
    })),
    Cipher: { Version: (tls.protocol ?? "").replace(/^TLSv/, "TLS "), CipherSuite: tls.cipher ?? "" },
    Checks: {
      AllChecksOK: allChecksOk,
      MatchingServerName: k.matchingServerName,
      FutureValidUntilTS: k.futureValidUntilTs,
      HasEd25519Key: k.hasEd25519Key,
      AllEd25519ChecksOK: k.allEd25519ChecksOk,
      Ed25519Checks: Object.fromEntries(
        k.verifyKeys.map((v) => [v.keyId, { ValidEd25519: v.validEd25519, MatchingSignature: v.matchingSignature }]),
      ),
      ValidCertificates: validCertificates,
    },
    Errors: errors,
    Ed25519VerifyKeys: k.allChecksOk ? Object.fromEntries(k.verifyKeys.map((v) => [v.keyId, v.key])) : null,
    Info: {},
    Keys: keys.raw,
  };
}

function connectionError(a: AddressReport): string {
  if (a.blocked) return a.connect.verdict;
  if (a.connect.status === "fail" || a.connect.status === "warn") return a.connect.verdict;
  if (a.tls?.error) return a.tls.error;
  return a.keys?.error ?? "no key response";
}

export function testerReport(r: CheckReport): TesterReport {
  const reports: Record<string, TesterConnectionReport> = {};
  const errors: Record<string, Message> = {};
  for (const a of r.addresses) {
    const report = connectionReport(a);
    if (report !== null) reports[a.key] = report;
    else errors[a.key] = { Message: connectionError(a) };
  }
  const srvUsed = r.dns.srv.find((s) => s.name === r.dns.srvUsed) ?? null;
  const srvFailed = r.dns.srv.find((s) => s.error !== null) ?? null;
  const versionOk = r.addresses.find((a) => a.version?.status === "pass");
  const versionFailed = r.addresses.find((a) => a.version !== null && a.version.error !== null);
  const version = versionOk?.version
    ? { name: versionOk.version.software ?? "", version: versionOk.version.version ?? "" }
    : { error: versionFailed?.version?.error ?? r.summary.problems[0]?.message ?? "no address answered" };
  const wk = r.wellKnown;
  const invalidName = r.name.status === "fail";
  const addrs = r.addresses.map((a) => a.key);
  return {
    ...(invalidName ? { Error: `Invalid server name '${r.serverName}'` } : {}),
    WellKnownResult: {
      "m.server": wk.mServer ?? "",
      ...(wk.mServer === null && wk.error !== null ? { result: wk.error } : {}),
      CacheExpiresAt:
        wk.mServer !== null && wk.cacheMs !== null ? Math.floor((Date.parse(r.startedAt) + wk.cacheMs) / 1000) : 0,
    },
    DNSResult: {
      SRVSkipped: r.dns.srvSkipped,
      SRVCName: srvUsed === null ? "" : fqdn(srvUsed.name),
      SRVRecords:
        srvUsed === null
          ? null
          : srvUsed.records.map((x) => ({
              Target: fqdn(x.target),
              Port: x.port,
              Priority: x.priority,
              Weight: x.weight,
            })),
      SRVError: message(srvFailed?.error ?? null),
      Hosts: Object.fromEntries(
        r.dns.hosts.map((h) => [
          h.host,
          { CName: fqdn(h.cnames.at(-1) ?? h.host), Addrs: h.addresses.map((a) => a.address), Error: message(h.error) },
        ]),
      ),
      Addrs: addrs,
    },
    ConnectionReports: reports,
    ConnectionErrors: errors,
    Version: version,
    FederationOK:
      !invalidName &&
      versionOk !== undefined &&
      addrs.length > 0 &&
      Object.keys(errors).length === 0 &&
      Object.values(reports).every((c) => c.Checks.AllChecksOK) &&
      !r.timedOut,
  };
}
