// The typed model of a federation check report: what is stored (as JSON) and shown. Every
// step carries its status, timing and a plain-language verdict; the summary on top names the
// first blocking problem and the warnings. The federation tester's JSON shape is derived from
// this model (tester-report.ts), never stored apart.
import type { ServerKeyChecks } from "./server-keys";

export const REPORT_FORMAT = 1;

/** pass: fine. warn: works, but worth fixing. fail: blocks federation. skip: not applicable. */
export type StepStatus = "pass" | "warn" | "fail" | "skip";

/** Anchors of the steps (the console links attempts to them: #step-<id>). */
export type StepId = "name" | "well-known" | "dns" | "connect" | "tls" | "version" | "keys";

export type NameStep = {
  status: StepStatus;
  verdict: string;
  kind: "ipv4" | "ipv6" | "dns" | null;
  host: string | null;
  port: number | null;
  /** IP literals and names with a port skip well-known (and SRV). */
  shortcut: "ip-literal" | "explicit-port" | null;
};

export type WellKnownHop = { url: string; httpStatus: number | null; location: string | null; error: string | null };

export type WellKnownStep = {
  status: StepStatus;
  verdict: string;
  skipped: boolean;
  durationMs: number;
  hops: WellKnownHop[];
  /** The last body read, size-capped, as text. */
  body: string | null;
  mServer: string | null;
  /** How long Synapse would cache this answer (success: the header lifetime or 24 h; failure: 1 h). */
  cacheMs: number | null;
  error: string | null;
  reason: string | null;
};

export type SrvLookup = {
  name: string;
  deprecated: boolean;
  records: { priority: number; weight: number; port: number; target: string }[];
  error: string | null;
};

export type DnsAddress = { address: string; family: 4 | 6; blocked: boolean };

export type HostLookup = {
  host: string;
  ports: number[];
  /** The CNAME chain from host, in order (empty when host has no CNAME). */
  cnames: string[];
  addresses: DnsAddress[];
  error: string | null;
  /** An SRV target that is a CNAME (RFC 2782 forbids it; Synapse follows it anyway). */
  srvTargetIsCname: boolean;
};

export type DnsStep = {
  status: StepStatus;
  verdict: string;
  durationMs: number;
  /** The name resolved after delegation. */
  serverHost: string;
  srvSkipped: boolean;
  srv: SrvLookup[];
  /** Which SRV service gave the records used; null = none (host:8448 or explicit port). */
  srvUsed: string | null;
  hosts: HostLookup[];
};

export type CertificateSummary = {
  subjectCommonName: string | null;
  subjectAltNames: string[];
  issuerCommonName: string | null;
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the DER, hex with colons (as node's X509Certificate.fingerprint256). */
  sha256Fingerprint: string;
};

export type ConnectStep = { status: StepStatus; verdict: string; ms: number | null; error: string | null };

export type TlsStep = {
  status: StepStatus;
  verdict: string;
  ms: number | null;
  protocol: string | null;
  cipher: string | null;
  certificates: CertificateSummary[];
  /** The chain leads to a trusted root (system roots + FEDERATION_CA_FILE). */
  trusted: boolean;
  trustError: string | null;
  /** The leaf is valid for the name a federation request checks it against. */
  validForName: boolean;
  expectedName: string;
  expiresInDays: number | null;
  error: string | null;
};

export type HttpStep = {
  status: StepStatus;
  verdict: string;
  ms: number | null;
  httpStatus: number | null;
  error: string | null;
};

export type VersionStep = HttpStep & { software: string | null; version: string | null };

export type KeysStep = HttpStep & {
  checks: ServerKeyChecks | null;
  /** The response as received (size-capped), for the tester's "Keys" and for people. */
  raw: unknown;
};

export type AddressReport = {
  /** "ip:port" ("[v6]:port"). */
  key: string;
  address: string;
  port: number;
  /** The DNS name that led here (SRV target, delegated host…), or the IP literal. */
  via: string;
  tlsName: string | null;
  hostHeader: string;
  blocked: boolean;
  status: StepStatus;
  connect: ConnectStep;
  tls: TlsStep | null;
  version: VersionStep | null;
  keys: KeysStep | null;
};

export type Finding = { step: StepId; address: string | null; message: string };

export type CheckSummary = {
  federationOk: boolean;
  /** The first blocking problem, in words; null when federation works. */
  headline: string;
  problems: Finding[];
  warnings: Finding[];
};

export type CheckReport = {
  format: typeof REPORT_FORMAT;
  serverName: string;
  startedAt: string;
  durationMs: number;
  deadlineMs: number;
  timedOut: boolean;
  name: NameStep;
  wellKnown: WellKnownStep;
  dns: DnsStep;
  addresses: AddressReport[];
  summary: CheckSummary;
};

/** Which report step an attempt's stage (lib/federation/attempt-result.ts) corresponds to. */
export function stepForAttemptStage(stage: string): StepId | null {
  switch (stage) {
    case "name":
      return "name";
    case "well-known":
      return "well-known";
    case "dns":
      return "dns";
    case "connect":
      return "connect";
    case "tls":
      return "tls";
    case "http":
      return "version";
    default:
      return null;
  }
}
