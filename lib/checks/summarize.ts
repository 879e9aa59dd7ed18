// Verdicts in words: sets each step's status and verdict from what was found, and sums the
// report up — federation OK or not, the first blocking problem, and warnings that do not
// block. "Blocking" follows what Synapse would do (synapse/http/matrixfederationclient.py and
// matrix_federation_agent.py): it moves on to the next address only when connecting fails, so
// a bad certificate, key or answer on any reachable address blocks; an unreachable address
// blocks only when no other one works.
import type { Discovery } from "./discover";
import type { AddressReport, CheckSummary, Finding, StepId, StepStatus } from "./report-model";

export const EXPIRY_WARNING_DAYS = 14;

// `days` is floor((notAfter − now) / day), e.g. −2 for 1.5 days ago: whole days elapsed are −days − 1.
function ago(days: number): string {
  const n = Math.max(1, -days - 1);
  return `${n} day${n === 1 ? "" : "s"} ago`;
}

function worst(statuses: StepStatus[]): StepStatus {
  if (statuses.includes("fail")) return "fail";
  if (statuses.includes("warn")) return "warn";
  return statuses.every((s) => s === "skip") && statuses.length > 0 ? "skip" : "pass";
}

function trustWords(code: string | null): string {
  if (code === "DEPTH_ZERO_SELF_SIGNED_CERT" || code === "SELF_SIGNED_CERT_IN_CHAIN") return "it is self-signed";
  if (code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" || code === "UNABLE_TO_GET_ISSUER_CERT_LOCALLY") {
    return "its issuer is not a trusted authority (or the chain is incomplete)";
  }
  return code ?? "unknown reason";
}

type Collect = { problems: Finding[]; warnings: Finding[] };

function judgeAddress(a: AddressReport, c: Collect, otherWorks: boolean): void {
  const add = (list: Finding[], step: StepId, message: string) => list.push({ step, address: a.key, message });
  if (a.blocked) {
    add(
      c.problems,
      "connect",
      `${a.address} (from ${a.via}) is in the IP range blocklist, so it is never connected to`,
    );
    a.status = "fail";
    return;
  }
  if (a.connect.status === "fail") {
    const words = `Cannot connect to ${a.key} (from ${a.via}): ${a.connect.verdict}`;
    if (otherWorks) {
      add(c.warnings, "connect", `${words}; another address works, so Synapse gets through`);
      a.connect.status = "warn";
    } else add(c.problems, "connect", words);
    a.status = a.connect.status;
    return;
  }
  const tls = a.tls;
  if (tls !== null && tls.certificates.length > 0 && tls.error === null) {
    const days = tls.expiresInDays ?? 0;
    const name = tls.expectedName;
    const problems: string[] = [];
    if (days < 0) problems.push(`The certificate for ${name} expired ${ago(days)}`);
    else if (!tls.trusted && tls.trustError === "CERT_NOT_YET_VALID")
      problems.push(`The certificate for ${name} is not valid yet`);
    else if (!tls.trusted) problems.push(`The certificate of ${a.key} is not trusted: ${trustWords(tls.trustError)}`);
    if (!tls.validForName) {
      const names =
        tls.certificates[0].subjectAltNames.join(", ") || tls.certificates[0].subjectCommonName || "no names";
      problems.push(`The certificate of ${a.key} is not valid for ${name} (it names ${names})`);
    }
    for (const p of problems) add(c.problems, "tls", p);
    if (problems.length > 0) {
      tls.status = "fail";
      tls.verdict = problems.join("; ");
    } else if (days < EXPIRY_WARNING_DAYS) {
      tls.status = "warn";
      tls.verdict = `The certificate for ${name} expires in ${days} day${days === 1 ? "" : "s"}`;
      add(c.warnings, "tls", tls.verdict);
    } else {
      tls.verdict = `${tls.protocol}, ${tls.cipher}; trusted, valid for ${name}, ${days} days left`;
    }
    if (tls.protocol !== null && tls.protocol !== "TLSv1.2" && tls.protocol !== "TLSv1.3") {
      add(c.warnings, "tls", `${a.key} negotiated ${tls.protocol}; TLS 1.2 or newer is expected`);
      if (tls.status === "pass") tls.status = "warn";
    }
  } else if (tls !== null) {
    add(c.problems, "tls", `TLS with ${a.key} failed: ${tls.verdict}`);
  }
  if (a.keys?.status === "fail") add(c.problems, "keys", `${a.key}: ${a.keys.verdict}`);
  if (a.version?.status === "fail") add(c.problems, "version", `${a.key}: ${a.version.verdict}`);
  a.status = worst([a.connect.status, tls?.status ?? "skip", a.keys?.status ?? "skip", a.version?.status ?? "skip"]);
}

/** Sets the steps' statuses and verdicts in place and returns the summary. */
export function summarize(
  serverName: string,
  d: Discovery,
  addresses: AddressReport[],
  timedOut: { deadlineMs: number } | null,
): CheckSummary {
  const c: Collect = { problems: [], warnings: [] };
  if (d.name.status === "fail") c.problems.push({ step: "name", address: null, message: d.name.verdict });

  const wk = d.wellKnown;
  if (wk.skipped) {
    wk.status = "skip";
    wk.verdict = d.name.status === "fail" ? "not looked up" : "skipped: the name is an IP literal or has a port";
  } else if (wk.mServer !== null) {
    wk.status = "pass";
    wk.verdict = `delegates to ${wk.mServer} (Synapse caches this for ${Math.round((wk.cacheMs ?? 0) / 3_600_000)} h)`;
  } else {
    const missing =
      wk.reason === "WK_NONE" || wk.reason === "WK_CONNECT" || wk.reason === "WK_DNS" || wk.reason === "WK_TIMEOUT";
    wk.status = missing ? "pass" : "warn";
    wk.verdict = missing ? `no delegation: ${wk.error}` : `invalid, ignored: ${wk.error}`;
    if (!missing)
      c.warnings.push({ step: "well-known", address: null, message: `The well-known file is ignored: ${wk.error}` });
  }

  const dns = d.dns;
  const srvUsed = dns.srv.find((s) => s.name === dns.srvUsed);
  // As discover.ts: the first SRV service that answered anything decides; an error there is final.
  const srvError = dns.srv.find((s) => s.error !== null || s.records.length > 0)?.error ?? null;
  const usable = dns.hosts.filter((h) => h.error === null && !h.addresses.some((a) => a.blocked));
  if (d.name.status === "fail") {
    dns.status = "skip";
    dns.verdict = "not looked up";
  } else if (srvError !== null) {
    dns.status = "fail";
    dns.verdict = srvError;
    c.problems.push({ step: "dns", address: null, message: dns.verdict });
  } else if (srvUsed !== undefined && srvUsed.records.length === 1 && [".", ""].includes(srvUsed.records[0].target)) {
    dns.status = "fail";
    dns.verdict = `${srvUsed.name} says federation is not offered here (target ".")`;
    c.problems.push({ step: "dns", address: null, message: dns.verdict });
  } else {
    const findings: Finding[] = [];
    for (const h of dns.hosts) {
      const blocked = h.addresses.filter((a) => a.blocked).map((a) => a.address);
      if (blocked.length > 0) {
        findings.push({
          step: "dns",
          address: null,
          message: `${h.host} resolves to ${blocked.join(", ")}, in the IP range blocklist: Synapse (and attempts) refuse every address of such a name`,
        });
      } else if (h.error !== null) findings.push({ step: "dns", address: null, message: h.error });
      if (h.srvTargetIsCname) {
        c.warnings.push({
          step: "dns",
          address: null,
          message: `SRV target ${h.host} is a CNAME (to ${h.cnames.join(" → ")}), which RFC 2782 forbids; Synapse follows it, other servers may not`,
        });
      }
    }
    (usable.length === 0 ? c.problems : c.warnings).push(...findings);
    if (srvUsed?.deprecated) {
      c.warnings.push({
        step: "dns",
        address: null,
        message: `Only the deprecated ${srvUsed.name} SRV record exists; publish _matrix-fed._tcp too`,
      });
    }
    if (wk.status === "pass" && wk.mServer === null && !wk.skipped && dns.srvUsed !== null) {
      c.warnings.push({
        step: "well-known",
        address: null,
        message: `No /.well-known/matrix/server, but SRV ${dns.srvUsed} works; the spec prefers well-known delegation`,
      });
    }
    dns.status = usable.length === 0 ? "fail" : findings.length > 0 || srvUsed?.deprecated ? "warn" : "pass";
    const count = dns.hosts.reduce((n, h) => n + h.addresses.length, 0);
    dns.verdict =
      usable.length === 0
        ? (findings[0]?.message ?? "no addresses")
        : `${count} address${count === 1 ? "" : "es"}${dns.srvUsed ? ` via SRV ${dns.srvUsed}` : dns.srvSkipped ? "" : `, no SRV (port 8448)`}`;
  }

  const usableKeys = new Set(usable.flatMap((h) => h.addresses.filter((a) => !a.blocked).map((a) => a.address)));
  const works = (a: AddressReport) => !a.blocked && a.connect.status === "pass" && usableKeys.has(a.address);
  for (const a of addresses)
    judgeAddress(
      a,
      c,
      addresses.some((o) => o !== a && works(o)),
    );
  if (timedOut !== null) {
    c.problems.push({
      step: "name",
      address: null,
      message: `The check's deadline of ${timedOut.deadlineMs / 1000} s passed before it finished`,
    });
  }
  const federationOk = c.problems.length === 0 && addresses.some(works);
  if (!federationOk && c.problems.length === 0)
    c.problems.push({ step: "dns", address: null, message: `No address of ${serverName} could be checked` });
  const headline = federationOk
    ? `Federation with ${serverName} works: ${addresses.filter(works).length} of ${addresses.length} address${addresses.length === 1 ? "" : "es"} passed every check${c.warnings.length ? `, ${c.warnings.length} warning${c.warnings.length === 1 ? "" : "s"}` : ""}`
    : c.problems[0].message;
  return { federationOk, headline, problems: c.problems, warnings: c.warnings };
}
