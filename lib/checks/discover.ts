// The discovery half of a check: server-name validation, /.well-known/matrix/server, SRV
// (_matrix-fed._tcp, then the deprecated _matrix._tcp), CNAMEs and A/AAAA per host with the IP
// guard's verdict per address (Matrix server-server API §"Resolving server names", as
// lib/federation/resolve-server.ts follows it for attempts). Unlike an attempt it records
// everything it saw, and keeps the addresses a blocked one would hide — but a blocked address
// is never connected to, and a name with one is refused as attempts refuse it.
import type { CheckDns } from "../federation/dns-servers";
import { FederationRequestError } from "../federation/federation-types";
import { errorCode, raceAbort } from "../federation/guarded-lookup";
import type { IpGuard } from "../federation/ip-guard";
import { DEFAULT_FEDERATION_PORT, SRV_SERVICES } from "../federation/resolve-server";
import { ServerNameError, parseServerName } from "../federation/server-name";
import { WELL_KNOWN_DEFAULT_CACHE_MS, WELL_KNOWN_INVALID_CACHE_MS, fetchWellKnown } from "../federation/well-known";
import type { DnsStep, HostLookup, NameStep, SrvLookup, WellKnownStep } from "./report-model";

export const WELL_KNOWN_BODY_SHOWN = 4 * 1024;
const MAX_CNAME_HOPS = 8;

export type DiscoverContext = {
  dns: CheckDns;
  ipGuard: IpGuard;
  signal: AbortSignal;
  wellKnownPort: number;
  ca?: string;
};

/** Where the check connects: one address, with the names the request presents. */
export type CheckTarget = {
  address: string;
  port: number;
  via: string;
  tlsName: string | null;
  hostHeader: string;
  blocked: boolean;
};

/** Filled in as discovery goes, so a deadline still leaves what was found. */
export type Discovery = { name: NameStep; wellKnown: WellKnownStep; dns: DnsStep; targets: CheckTarget[] };

export function emptyDiscovery(serverName: string): Discovery {
  return {
    name: { status: "fail", verdict: "not checked", kind: null, host: null, port: null, shortcut: null },
    wellKnown: {
      status: "skip",
      verdict: "not looked up",
      skipped: true,
      durationMs: 0,
      hops: [],
      body: null,
      mServer: null,
      cacheMs: null,
      error: null,
      reason: null,
    },
    dns: {
      status: "skip",
      verdict: "not looked up",
      durationMs: 0,
      serverHost: serverName,
      srvSkipped: true,
      srv: [],
      srvUsed: null,
      hosts: [],
    },
    targets: [],
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function lookupError(host: string, error: unknown): string {
  const code = errorCode(error);
  if (code === "ENOTFOUND") return `no such host: ${host}`;
  if (code === "ENODATA") return `${host} has no A or AAAA records`;
  if (code === "ETIMEOUT" || code === "EAI_AGAIN" || code === "ECONNREFUSED") {
    return `DNS lookup of ${host} timed out or failed temporarily (${code})`;
  }
  return `DNS lookup of ${host} failed: ${message(error)}`;
}

async function cnameChain(host: string, ctx: DiscoverContext): Promise<string[]> {
  const chain: string[] = [];
  let name = host;
  for (let i = 0; i < MAX_CNAME_HOPS; i++) {
    let next: string[];
    try {
      next = await raceAbort(ctx.dns.resolveCname(name), ctx.signal, "dns", `looking up CNAME ${name}`);
    } catch (error) {
      if (error instanceof FederationRequestError) throw error;
      break; // no CNAME (or none we can see): informational only
    }
    if (next.length === 0 || chain.includes(next[0])) break;
    chain.push(next[0]);
    name = next[0];
  }
  return chain;
}

async function lookupHost(host: string, port: number, srvTarget: boolean, ctx: DiscoverContext): Promise<HostLookup> {
  const result: HostLookup = { host, ports: [port], cnames: [], addresses: [], error: null, srvTargetIsCname: false };
  result.cnames = await cnameChain(host, ctx);
  result.srvTargetIsCname = srvTarget && result.cnames.length > 0;
  try {
    const found = await raceAbort(ctx.dns.lookup(host), ctx.signal, "dns", `resolving ${host}`);
    const seen = new Set<string>();
    for (const a of found) {
      if (seen.has(a.address)) continue;
      seen.add(a.address);
      result.addresses.push({
        address: a.address,
        family: a.family === 6 ? 6 : 4,
        blocked: ctx.ipGuard.isBlocked(a.address),
      });
    }
    if (result.addresses.length === 0) result.error = `${host} has no A or AAAA records`;
  } catch (error) {
    if (error instanceof FederationRequestError) throw error;
    result.error = lookupError(host, error);
  }
  return result;
}

async function lookupSrv(name: string, ctx: DiscoverContext): Promise<SrvLookup> {
  const lookup: SrvLookup = { name, deprecated: name.startsWith("_matrix._tcp."), records: [], error: null };
  try {
    const records = await raceAbort(ctx.dns.resolveSrv(name), ctx.signal, "dns", `looking up SRV ${name}`);
    lookup.records = records.map((r) => ({ priority: r.priority, weight: r.weight, port: r.port, target: r.name }));
  } catch (error) {
    if (error instanceof FederationRequestError) throw error;
    const code = errorCode(error);
    // As Synapse: no such name / no data / not implemented mean "no records".
    if (code !== "ENOTFOUND" && code !== "ENODATA" && code !== "ENOTIMP")
      lookup.error = `SRV lookup of ${name} failed: ${message(error)}`;
  }
  return lookup;
}

function addTargets(d: Discovery, host: HostLookup, port: number, tlsName: string, hostHeader: string): void {
  for (const a of host.addresses) {
    if (d.targets.some((t) => t.address === a.address && t.port === port)) continue;
    d.targets.push({ address: a.address, port, via: host.host, tlsName, hostHeader, blocked: a.blocked });
  }
}

function ipLiteralTarget(d: Discovery, ip: string, port: number, hostHeader: string, ctx: DiscoverContext): void {
  const blocked = ctx.ipGuard.isBlocked(ip);
  d.dns.hosts.push({
    host: ip,
    ports: [port],
    cnames: [],
    addresses: [{ address: ip, family: ip.includes(":") ? 6 : 4, blocked }],
    error: null,
    srvTargetIsCname: false,
  });
  d.targets.push({ address: ip, port, via: ip, tlsName: null, hostHeader, blocked });
}

// SRV _matrix-fed._tcp, then _matrix._tcp (both looked up and shown), else host:8448.
async function srvThenHost(d: Discovery, host: string, ctx: DiscoverContext): Promise<void> {
  d.dns.srvSkipped = false;
  for (const service of SRV_SERVICES) d.dns.srv.push(await lookupSrv(`${service}.${host}`, ctx));
  const used = d.dns.srv.find((s) => s.error !== null || s.records.length > 0);
  if (used?.error) return; // Synapse gives up on an SRV error
  if (used !== undefined) {
    d.dns.srvUsed = used.name;
    if (used.records.length === 1 && (used.records[0].target === "" || used.records[0].target === ".")) return;
    for (const record of used.records) {
      const existing = d.dns.hosts.find((h) => h.host === record.target);
      const lookup = existing ?? (await lookupHost(record.target, record.port, true, ctx));
      if (existing && !existing.ports.includes(record.port)) existing.ports.push(record.port);
      if (!existing) d.dns.hosts.push(lookup);
      addTargets(d, lookup, record.port, host, host);
    }
    return;
  }
  const lookup = await lookupHost(host, DEFAULT_FEDERATION_PORT, false, ctx);
  d.dns.hosts.push(lookup);
  addTargets(d, lookup, DEFAULT_FEDERATION_PORT, host, host);
}

async function wellKnownStep(d: Discovery, host: string, ctx: DiscoverContext): Promise<void> {
  const step = d.wellKnown;
  step.skipped = false;
  const started = performance.now();
  try {
    const outcome = await fetchWellKnown(host, {
      ipGuard: ctx.ipGuard,
      dns: ctx.dns,
      port: ctx.wellKnownPort,
      ca: ctx.ca,
      signal: ctx.signal,
      trace: (hop) => {
        step.hops.push({ url: hop.url, httpStatus: hop.status, location: hop.location, error: hop.error });
        if (hop.body !== null) step.body = hop.body.subarray(0, WELL_KNOWN_BODY_SHOWN).toString("utf8");
      },
    });
    if (outcome.kind === "found") {
      step.mServer = outcome.mServer;
      step.cacheMs = outcome.cacheMs ?? WELL_KNOWN_DEFAULT_CACHE_MS;
    } else {
      step.error = outcome.message;
      step.reason = outcome.reason;
      step.cacheMs = WELL_KNOWN_INVALID_CACHE_MS;
    }
  } finally {
    step.durationMs = Math.round(performance.now() - started);
  }
}

/** Runs discovery into `d`. Throws FederationRequestError only when the signal aborts. */
export async function discover(serverName: string, d: Discovery, ctx: DiscoverContext): Promise<void> {
  let parsed: ReturnType<typeof parseServerName>;
  try {
    parsed = parseServerName(serverName);
  } catch (error) {
    if (!(error instanceof ServerNameError)) throw error;
    d.name = { status: "fail", verdict: error.message, kind: null, host: null, port: null, shortcut: null };
    return;
  }
  const shortcut = parsed.kind !== "dns" ? "ip-literal" : parsed.port !== null ? "explicit-port" : null;
  d.name = {
    status: "pass",
    verdict:
      shortcut === "ip-literal"
        ? "an IP literal: no well-known or SRV lookup, the certificate must be valid for the IP"
        : shortcut === "explicit-port"
          ? `an explicit port: no well-known or SRV lookup, connect to ${parsed.host} port ${parsed.port}`
          : "a valid server name",
    kind: parsed.kind,
    host: parsed.host,
    port: parsed.port,
    shortcut,
  };

  if (parsed.kind === "dns" && parsed.port === null) await wellKnownStep(d, parsed.host, ctx);
  const started = performance.now();
  try {
    if (parsed.kind !== "dns")
      return ipLiteralTarget(d, parsed.host, parsed.port ?? DEFAULT_FEDERATION_PORT, serverName, ctx);
    if (parsed.port !== null) {
      const lookup = await lookupHost(parsed.host, parsed.port, false, ctx);
      d.dns.hosts.push(lookup);
      return addTargets(d, lookup, parsed.port, parsed.host, serverName);
    }
    const mServer = d.wellKnown.mServer;
    if (mServer === null) return await srvThenHost(d, parsed.host, ctx);
    const delegated = parseServerName(mServer); // validated when fetched
    d.dns.serverHost = mServer;
    if (delegated.kind !== "dns")
      return ipLiteralTarget(d, delegated.host, delegated.port ?? DEFAULT_FEDERATION_PORT, mServer, ctx);
    if (delegated.port !== null) {
      const lookup = await lookupHost(delegated.host, delegated.port, false, ctx);
      d.dns.hosts.push(lookup);
      return addTargets(d, lookup, delegated.port, delegated.host, mServer);
    }
    d.dns.serverHost = delegated.host;
    await srvThenHost(d, delegated.host, ctx);
  } finally {
    d.dns.durationMs = Math.round(performance.now() - started);
  }
}
