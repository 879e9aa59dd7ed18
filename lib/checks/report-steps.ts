// A report as an ordered list of steps (id, title, status, verdict, detail lines): what the
// console's step list and fedctl's text both show, so the two never tell different stories.
import type { CheckReport, StepId, StepStatus } from "./report-model";

export type ReportStep = {
  /** Anchor: "name", "well-known", "dns", or "<step>-<ip:port>" for an address's steps. */
  anchor: string;
  step: StepId;
  address: string | null;
  title: string;
  status: StepStatus;
  verdict: string;
  details: string[];
};

const ms = (n: number | null) => (n === null ? "" : ` (${n} ms)`);

export function anchorFor(step: StepId, address: string | null): string {
  return address === null ? step : `${step}-${address}`;
}

export function reportSteps(r: CheckReport): ReportStep[] {
  const steps: ReportStep[] = [
    {
      anchor: "name",
      step: "name",
      address: null,
      title: "Server name",
      status: r.name.status,
      verdict: r.name.verdict,
      details: [],
    },
    {
      anchor: "well-known",
      step: "well-known",
      address: null,
      title: "Well-known delegation",
      status: r.wellKnown.status,
      verdict: r.wellKnown.verdict,
      details: [
        ...r.wellKnown.hops.map(
          (h) => `GET ${h.url} → ${h.httpStatus ?? h.error}${h.location ? ` (Location: ${h.location})` : ""}`,
        ),
        ...(r.wellKnown.body !== null ? [`body: ${r.wellKnown.body.slice(0, 300)}`] : []),
      ],
    },
    {
      anchor: "dns",
      step: "dns",
      address: null,
      title: `DNS for ${r.dns.serverHost}`,
      status: r.dns.status,
      verdict: r.dns.verdict,
      details: [
        ...(r.dns.srvSkipped ? ["SRV skipped"] : []),
        ...r.dns.srv.map(
          (s) =>
            `SRV ${s.name}${s.deprecated ? " (deprecated)" : ""}: ${
              s.error ?? (s.records.map((x) => `${x.priority} ${x.weight} ${x.port} ${x.target}`).join(", ") || "none")
            }`,
        ),
        ...r.dns.hosts.map(
          (h) =>
            `${h.host}${h.cnames.length ? ` → CNAME ${h.cnames.join(" → ")}` : ""}: ${
              h.error ??
              h.addresses.map((a) => `${a.address}${a.blocked ? " (BLOCKED by the IP guard)" : ""}`).join(", ")
            }`,
        ),
      ],
    },
  ];
  for (const a of r.addresses) {
    const at = (step: StepId, title: string, status: StepStatus, verdict: string, details: string[] = []) =>
      steps.push({
        anchor: anchorFor(step, a.key),
        step,
        address: a.key,
        title: `${a.key} — ${title}`,
        status,
        verdict,
        details,
      });
    at("connect", `TCP connect${ms(a.connect.ms)}`, a.connect.status, a.connect.verdict, [`via ${a.via}`]);
    if (a.tls !== null) {
      at(
        "tls",
        `TLS${ms(a.tls.ms)}`,
        a.tls.status,
        a.tls.verdict,
        a.tls.certificates.map(
          (c, i) =>
            `${i === 0 ? "leaf" : `chain ${i}`}: CN=${c.subjectCommonName ?? "-"}; SANs ${c.subjectAltNames.join(", ") || "-"}; issuer ${c.issuerCommonName ?? "-"}; ${c.notBefore.slice(0, 10)} – ${c.notAfter.slice(0, 10)}; SHA-256 ${c.sha256Fingerprint}`,
        ),
      );
    }
    if (a.keys !== null) {
      const k = a.keys.checks;
      at("keys", `Server keys${ms(a.keys.ms)}`, a.keys.status, a.keys.verdict, [
        ...(k?.verifyKeys ?? []).map(
          (v) =>
            `${v.keyId}: ${v.validEd25519 ? "valid ed25519" : "not a valid ed25519 key"}, signature ${v.matchingSignature ? "verified" : "does NOT verify"}`,
        ),
        ...(k?.oldVerifyKeys ?? []).map(
          (o) => `old key ${o.keyId}${o.expiredTs !== null ? `, expired ${new Date(o.expiredTs).toISOString()}` : ""}`,
        ),
      ]);
    }
    if (a.version !== null) at("version", `Version${ms(a.version.ms)}`, a.version.status, a.version.verdict);
  }
  return steps;
}

const MARK: Record<StepStatus, string> = { pass: "✓", warn: "!", fail: "✗", skip: "–" };

/** The report as terminal lines (fedctl check). */
export function reportText(r: CheckReport): string[] {
  const lines = [
    `${r.summary.federationOk ? "FEDERATION OK" : "FEDERATION FAILS"}: ${r.summary.headline}`,
    ...r.summary.problems.slice(1).map((p) => `  problem: ${p.message}`),
    ...r.summary.warnings.map((w) => `  warning: ${w.message}`),
    `checked ${r.serverName} in ${r.durationMs} ms${r.timedOut ? " (deadline reached)" : ""}`,
    "",
  ];
  for (const s of reportSteps(r)) {
    lines.push(`${MARK[s.status]} ${s.title}: ${s.verdict}`);
    for (const d of s.details) lines.push(`    ${d}`);
  }
  return lines;
}
