// Server-name resolution, Matrix server-server API §"Resolving server names" as Synapse
// implements it (synapse/http/federation/matrix_federation_agent.py and srv_resolver.py). The output is a list of pinned
// targets: every address already passed the IP guard, so the client never resolves again.
import type { IpGuard } from "./ip-guard";
import { FederationRequestError, type Failure, type Target } from "./federation-types";
import {
  blockedFailure,
  errorCode,
  lookupGuarded,
  raceAbort,
  systemDns,
  type DnsFunctions,
  type SrvRecord,
} from "./guarded-lookup";
import { ServerNameError, parseServerName } from "./server-name";
import { lookupWellKnown, type WellKnownCache } from "./well-known";

export type { Target };
export type { DnsFunctions, SrvRecord };

export const DEFAULT_FEDERATION_PORT = 8448;
export const SRV_SERVICES = ["_matrix-fed._tcp", "_matrix._tcp"] as const;

/** What the resolver did, in order, for the attempt record. */
export type ResolutionStep = { step: "ip-literal" | "well-known" | "srv" | "lookup"; name: string; result: string };

export type Resolution =
  | { ok: true; targets: Target[]; steps: ResolutionStep[] }
  | { ok: false; failure: Failure; steps: ResolutionStep[] };

export type ResolveOptions = {
  ipGuard: IpGuard;
  signal: AbortSignal;
  dns?: DnsFunctions;
  /** Port of the .well-known fetch; 443 unless FEDERATION_WELL_KNOWN_PORT says otherwise. */
  wellKnownPort?: number;
  wellKnownCache?: WellKnownCache;
  /** Look the well-known record up again even if it is cached (attempts after a reset). */
  refreshCache?: boolean;
  ca?: string;
  /** For SRV weighted ordering; tests may fix it. */
  random?: () => number;
};

type Ctx = Required<Pick<ResolveOptions, "ipGuard" | "signal" | "dns" | "random">> &
  ResolveOptions & { steps: ResolutionStep[] };
type Resolved = { ok: true; targets: Target[] } | { ok: false; failure: Failure };

/** RFC 2782 order: ascending priority, weighted random within a priority (weight 0 last). */
export function orderSrvRecords(records: SrvRecord[], random: () => number = Math.random): SrvRecord[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of records) byPriority.set(r.priority, [...(byPriority.get(r.priority) ?? []), r]);
  const ordered: SrvRecord[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    const pool = [...(byPriority.get(priority) ?? [])];
    const zero = pool.filter((r) => r.weight === 0);
    const weighted = pool.filter((r) => r.weight > 0);
    while (weighted.length > 0) {
      let pick = random() * weighted.reduce((sum, r) => sum + r.weight, 0);
      const index = weighted.findIndex((r) => {
        pick -= r.weight;
        return pick < 0;
      });
      ordered.push(...weighted.splice(index < 0 ? weighted.length - 1 : index, 1));
    }
    while (zero.length > 0) ordered.push(...zero.splice(Math.floor(random() * zero.length), 1));
  }
  return ordered;
}

function ipLiteral(ip: string, port: number, hostHeader: string, ctx: Ctx): Resolved {
  const blocked = ctx.ipGuard.isBlocked(ip);
  ctx.steps.push({ step: "ip-literal", name: ip, result: blocked ? "blocked" : `${hostHeader} → port ${port}` });
  if (blocked) return { ok: false, failure: blockedFailure(ip, [ip]) };
  return { ok: true, targets: [{ address: ip, port, tlsName: null, hostHeader }] };
}

async function hostTargets(
  host: string,
  port: number,
  tlsName: string,
  hostHeader: string,
  ctx: Ctx,
): Promise<Resolved> {
  const lookup = await lookupGuarded(host, ctx.dns, ctx.ipGuard, ctx.signal);
  ctx.steps.push({
    step: "lookup",
    name: host,
    result: lookup.ok ? lookup.addresses.join(", ") : `${lookup.failure.reason}: ${lookup.failure.message}`,
  });
  if (!lookup.ok) return lookup;
  return { ok: true, targets: lookup.addresses.map((address) => ({ address, port, tlsName, hostHeader })) };
}

type SrvLookup = { kind: "found"; records: SrvRecord[] } | { kind: "none" } | { kind: "failed"; failure: Failure };

async function lookupSrv(name: string, ctx: Ctx): Promise<SrvLookup> {
  let records: SrvRecord[];
  try {
    records = await raceAbort(ctx.dns.resolveSrv(name), ctx.signal, "dns", `looking up SRV ${name}`);
  } catch (error) {
    if (error instanceof FederationRequestError) throw error;
    const code = errorCode(error);
    // Synapse: NXDOMAIN / no data / "not implemented" mean no records; anything else fails.
    if (code === "ENOTFOUND" || code === "ENODATA" || code === "ENOTIMP") {
      ctx.steps.push({ step: "srv", name, result: "not found" });
      return { kind: "none" };
    }
    const detail = error instanceof Error ? error.message : String(error);
    ctx.steps.push({ step: "srv", name, result: `error: ${detail}` });
    return {
      kind: "failed",
      failure: { stage: "dns", reason: "SRV_ERROR", message: `SRV lookup of ${name} failed: ${detail}` },
    };
  }
  ctx.steps.push({
    step: "srv",
    name,
    result: records.length === 0 ? "not found" : records.map((r) => `${r.name}:${r.port}`).join(", "),
  });
  if (records.length === 0) return { kind: "none" };
  if (records.length === 1 && (records[0].name === "" || records[0].name === ".")) {
    return {
      kind: "failed",
      failure: {
        stage: "dns",
        reason: "SRV_UNAVAILABLE",
        message: `${name} says the service is not available here (target ".")`,
      },
    };
  }
  return { kind: "found", records };
}

// Rows 3.3–3.5 and 4–6: SRV _matrix-fed, then the deprecated _matrix, then host:8448.
// The certificate and Host header stay `name`; the SRV target is only where we connect.
async function srvThenHost(name: string, ctx: Ctx): Promise<Resolved> {
  for (const service of SRV_SERVICES) {
    const srv = await lookupSrv(`${service}.${name}`, ctx);
    if (srv.kind === "none") continue;
    if (srv.kind === "failed") return { ok: false, failure: srv.failure };
    const targets: Target[] = [];
    let firstFailure: Failure | null = null;
    for (const record of orderSrvRecords(srv.records, ctx.random)) {
      const resolved = await hostTargets(record.name, record.port, name, name, ctx);
      if (resolved.ok) targets.push(...resolved.targets);
      else firstFailure ??= resolved.failure;
    }
    if (targets.length > 0) return { ok: true, targets };
    if (firstFailure !== null) return { ok: false, failure: firstFailure };
  }
  return hostTargets(name, DEFAULT_FEDERATION_PORT, name, name, ctx);
}

async function resolveParsed(serverName: string, ctx: Ctx): Promise<Resolved> {
  let parsed: ReturnType<typeof parseServerName>;
  try {
    parsed = parseServerName(serverName);
  } catch (error) {
    if (error instanceof ServerNameError)
      return { ok: false, failure: { stage: "name", reason: error.reason, message: error.message } };
    throw error;
  }
  // Row 1: IP literal. Host header is the server name exactly as given.
  if (parsed.kind !== "dns") return ipLiteral(parsed.host, parsed.port ?? DEFAULT_FEDERATION_PORT, serverName, ctx);
  // Row 2: explicit port, no delegation.
  if (parsed.port !== null) return hostTargets(parsed.host, parsed.port, parsed.host, serverName, ctx);

  // Row 3: .well-known delegation, applied once (m.server is never itself delegated).
  const wellKnown = await lookupWellKnown(
    parsed.host,
    { ipGuard: ctx.ipGuard, dns: ctx.dns, port: ctx.wellKnownPort ?? 443, ca: ctx.ca, signal: ctx.signal },
    ctx.wellKnownCache,
    ctx.refreshCache,
  );
  const cachedNote = wellKnown.cached ? " (cached)" : "";
  if (wellKnown.kind === "none") {
    ctx.steps.push({
      step: "well-known",
      name: parsed.host,
      result: `none: ${wellKnown.reason} ${wellKnown.message}${cachedNote}`,
    });
    return srvThenHost(parsed.host, ctx); // rows 4–6
  }
  ctx.steps.push({ step: "well-known", name: parsed.host, result: `m.server ${wellKnown.mServer}${cachedNote}` });
  const delegated = parseServerName(wellKnown.mServer); // validated when fetched
  if (delegated.kind !== "dns")
    return ipLiteral(delegated.host, delegated.port ?? DEFAULT_FEDERATION_PORT, wellKnown.mServer, ctx); // 3.1
  if (delegated.port !== null)
    return hostTargets(delegated.host, delegated.port, delegated.host, wellKnown.mServer, ctx); // 3.2
  return srvThenHost(delegated.host, ctx); // 3.3–3.5
}

/**
 * Resolves a destination to connect targets. Never throws for DNS or network problems:
 * failures come back as { ok: false }. Throws FederationRequestError only when
 * `signal` aborts (deadline → TIMEOUT, otherwise CANCELLED) with the stage reached.
 */
export async function resolveServer(serverName: string, options: ResolveOptions): Promise<Resolution> {
  const ctx: Ctx = { ...options, dns: options.dns ?? systemDns, random: options.random ?? Math.random, steps: [] };
  const result = await resolveParsed(serverName, ctx);
  return { ...result, steps: ctx.steps };
}
