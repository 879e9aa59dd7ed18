// GET https://<host>/.well-known/matrix/server (Matrix server-server API §"Server discovery"),
// with Synapse's cache lifetimes. Every hop, redirects included, is resolved through the IP guard; a
// failed lookup only means "no delegation" (the resolver carries on with SRV / A).
import { isIP } from "node:net";
import { getFromTargets, parseJsonBody } from "./federation-client";
import { FederationRequestError, isDeadline, type Target } from "./federation-types";
import { blockedFailure, lookupGuarded, type DnsFunctions } from "./guarded-lookup";
import type { IpGuard } from "./ip-guard";
import { ServerNameError, formatHostPort, parseServerName } from "./server-name";

export const WELL_KNOWN_PATH = "/.well-known/matrix/server";
export const WELL_KNOWN_MAX_BYTES = 50 * 1024;
// Twisted's RedirectAgent default, which Synapse uses.
export const WELL_KNOWN_MAX_REDIRECTS = 20;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const WELL_KNOWN_DEFAULT_CACHE_MS = 24 * HOUR;
export const WELL_KNOWN_MAX_CACHE_MS = 48 * HOUR;
export const WELL_KNOWN_MIN_CACHE_MS = 5 * MINUTE;
export const WELL_KNOWN_INVALID_CACHE_MS = HOUR;
export const WELL_KNOWN_DOWN_CACHE_MS = 2 * MINUTE;
export const WELL_KNOWN_REMEMBER_VALID_MS = 2 * HOUR;
const GRACE_FACTOR = 0.2;
const RETRY_ATTEMPTS = 3;
const RETRY_DELAY_MS = 500;

export type WellKnownReason =
  | "WK_NONE"
  | "WK_INVALID_JSON"
  | "WK_MISSING_M_SERVER"
  | "WK_INVALID_M_SERVER"
  | "WK_TOO_LARGE"
  | "WK_TIMEOUT"
  | "WK_TLS"
  | "WK_CONNECT"
  | "WK_DNS"
  | "WK_IP_BLOCKED"
  | "WK_REDIRECT_LOOP";

/** found: m.server, already validated as a server name. none: no delegation, and why. */
export type WellKnownOutcome =
  | { kind: "found"; mServer: string; cacheMs: number | null }
  | { kind: "none"; temporary: boolean; reason: WellKnownReason; message: string };

export type WellKnownContext = {
  ipGuard: IpGuard;
  dns: DnsFunctions;
  /** 443 per the spec; FEDERATION_WELL_KNOWN_PORT changes it for tests / private federations. */
  port: number;
  ca?: string;
  signal: AbortSignal;
  /** Told about every hop (a federation check reports them); attempts leave it unset. */
  trace?: (hop: WellKnownTraceHop) => void;
};

export type WellKnownTraceHop = {
  url: string;
  status: number | null;
  location: string | null;
  body: Buffer | null;
  error: string | null;
};

function none(temporary: boolean, reason: WellKnownReason, message: string): WellKnownOutcome {
  return { kind: "none", temporary, reason, message };
}

/** Cache lifetime from Cache-Control / Expires, clamped; null when the headers say nothing. */
export function cacheMsFromHeaders(
  cacheControl: string | undefined,
  expires: string | undefined,
  now: number,
): number | null {
  let ms: number | null = null;
  const directives = (cacheControl ?? "")
    .toLowerCase()
    .split(",")
    .map((d) => d.trim());
  const maxAge = directives.map((d) => /^max-age=(\d+)$/.exec(d)).find((m) => m !== null);
  if (directives.includes("no-store")) ms = 0;
  else if (maxAge) ms = Number(maxAge[1]) * 1000;
  else if (expires !== undefined) {
    const at = Date.parse(expires);
    ms = Number.isNaN(at) ? 0 : at - now;
  }
  return ms === null ? null : Math.min(Math.max(ms, WELL_KNOWN_MIN_CACHE_MS), WELL_KNOWN_MAX_CACHE_MS);
}

async function targetsFor(url: URL, ctx: WellKnownContext): Promise<Target[] | WellKnownOutcome> {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = url.port === "" ? 443 : Number(url.port);
  if (isIP(host) !== 0) {
    if (ctx.ipGuard.isBlocked(host)) return none(true, "WK_IP_BLOCKED", blockedFailure(host, [host]).message);
    return [{ address: host, port, tlsName: null, hostHeader: url.host }];
  }
  const lookup = await lookupGuarded(host, ctx.dns, ctx.ipGuard, ctx.signal);
  if (!lookup.ok)
    return none(true, lookup.failure.reason === "IP_BLOCKED" ? "WK_IP_BLOCKED" : "WK_DNS", lookup.failure.message);
  return lookup.addresses.map((address) => ({ address, port, tlsName: host, hostHeader: url.host }));
}

/** One uncached fetch, following redirects. Throws FederationRequestError only when the signal aborts. */
export async function fetchWellKnown(
  host: string,
  ctx: WellKnownContext,
  now: () => number = Date.now,
): Promise<WellKnownOutcome> {
  let url = new URL(`https://${formatHostPort(host, ctx.port === 443 ? null : ctx.port)}${WELL_KNOWN_PATH}`);
  const visited = new Set<string>();
  for (;;) {
    if (visited.has(url.href)) return none(false, "WK_REDIRECT_LOOP", `redirect loop at ${url.href}`);
    if (visited.size > WELL_KNOWN_MAX_REDIRECTS)
      return none(false, "WK_REDIRECT_LOOP", `more than ${WELL_KNOWN_MAX_REDIRECTS} redirects`);
    visited.add(url.href);

    const targets = await targetsFor(url, ctx);
    if (!Array.isArray(targets)) {
      if (targets.kind === "none")
        ctx.trace?.({ url: url.href, status: null, location: null, body: null, error: targets.message });
      return targets;
    }
    const got = await getFromTargets(targets, {
      path: url.pathname + url.search,
      maxBodyBytes: WELL_KNOWN_MAX_BYTES,
      signal: ctx.signal,
      ca: ctx.ca,
      readBody: (status) => status === 200,
    });
    ctx.trace?.({
      url: url.href,
      status: got.ok ? got.response.status : null,
      location: got.ok ? (got.response.headers.location ?? null) : null,
      body: got.ok ? got.response.body : null,
      error: got.ok ? (got.response.bodyFailure?.message ?? null) : got.failure.message,
    });
    if (!got.ok) {
      if (ctx.signal.aborted) throw new FederationRequestError({ ...got.failure, stage: "well-known" });
      return none(true, got.failure.stage === "tls" ? "WK_TLS" : "WK_CONNECT", `${url.href}: ${got.failure.message}`);
    }
    const { response } = got;
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && location !== undefined) {
      url = new URL(location, url);
      if (url.protocol !== "https:") return none(false, "WK_NONE", `redirected to a non-HTTPS URL: ${url.href}`);
      continue;
    }
    if (response.status !== 200)
      return none(response.status >= 500, "WK_NONE", `${url.href} answered ${response.status}`);
    if (response.bodyFailure !== null) {
      const tooLarge = response.bodyFailure.reason === "RESPONSE_TOO_LARGE";
      return none(true, tooLarge ? "WK_TOO_LARGE" : "WK_CONNECT", response.bodyFailure.message);
    }
    // The spec: JSON whatever the Content-Type says.
    const json = parseJsonBody(response, false);
    if (!json.ok) return none(false, "WK_INVALID_JSON", `${url.href}: ${json.failure.message}`);
    const value = json.value;
    const mServer = typeof value === "object" && value !== null && "m.server" in value ? value["m.server"] : undefined;
    if (typeof mServer !== "string") return none(false, "WK_MISSING_M_SERVER", `${url.href} has no string "m.server"`);
    try {
      parseServerName(mServer);
    } catch (error) {
      if (error instanceof ServerNameError) return none(false, "WK_INVALID_M_SERVER", `m.server: ${error.message}`);
      throw error;
    }
    const cacheMs = cacheMsFromHeaders(
      headerText(response.headers["cache-control"]),
      headerText(response.headers.expires),
      now(),
    );
    return { kind: "found", mServer, cacheMs };
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

type CacheEntry = { outcome: WellKnownOutcome; expiresAt: number; ttlMs: number };

/**
 * Synapse's well-known cache: successes for the header lifetime (default 24 h ±10 %),
 * failures for 1 h — or 2 min if the domain had a valid record recently. Refetched once
 * less than 20 % of the lifetime is left; on a temporary failure the old entry is kept.
 */
export class WellKnownCache {
  private entries = new Map<string, CacheEntry>();
  private hadValidUntil = new Map<string, number>();
  private writes = 0;

  constructor(
    readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  private jitter(ms: number): number {
    return ms * (0.9 + 0.2 * this.random());
  }

  /** The entry if not expired, and whether it is still fresh (outside the grace period). */
  get(key: string): { outcome: WellKnownOutcome; fresh: boolean } | null {
    const entry = this.entries.get(key);
    const now = this.now();
    if (entry === undefined || now >= entry.expiresAt) return null;
    return { outcome: entry.outcome, fresh: now < entry.expiresAt - GRACE_FACTOR * entry.ttlMs };
  }

  /** Forgets every entry of `host` (any port); returns how many went. */
  forget(host: string): number {
    const prefix = `${host.toLowerCase()}:`;
    let n = 0;
    for (const key of [...this.entries.keys()]) {
      if (key.startsWith(prefix) && this.entries.delete(key)) n++;
    }
    for (const key of [...this.hadValidUntil.keys()]) if (key.startsWith(prefix)) this.hadValidUntil.delete(key);
    return n;
  }

  hadValidRecently(key: string): boolean {
    return (this.hadValidUntil.get(key) ?? 0) > this.now();
  }

  store(key: string, outcome: WellKnownOutcome): void {
    const now = this.now();
    let ttlMs: number;
    if (outcome.kind === "found") {
      ttlMs = outcome.cacheMs ?? this.jitter(WELL_KNOWN_DEFAULT_CACHE_MS);
      this.hadValidUntil.set(key, now + ttlMs + WELL_KNOWN_REMEMBER_VALID_MS);
    } else {
      ttlMs = this.jitter(this.hadValidRecently(key) ? WELL_KNOWN_DOWN_CACHE_MS : WELL_KNOWN_INVALID_CACHE_MS);
    }
    this.entries.set(key, { outcome, expiresAt: now + ttlMs, ttlMs });
    if (++this.writes % 1000 === 0) this.prune(now);
  }

  // Bounded memory with many destinations: drop what can no longer be used.
  private prune(now: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    for (const [key, until] of this.hadValidUntil) if (until <= now) this.hadValidUntil.delete(key);
  }
}

export type WellKnownLookup = WellKnownOutcome & { cached: boolean };

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Cached well-known lookup for `host`. Throws FederationRequestError only when the signal aborts.
 * `refresh`: fetch even if a fresh entry is cached (an operator's reset: they may just have
 * fixed the record, and each scheduler process has its own cache); the result is cached as usual.
 */
export async function lookupWellKnown(
  host: string,
  ctx: WellKnownContext,
  cache?: WellKnownCache,
  refresh = false,
): Promise<WellKnownLookup> {
  const key = `${host.toLowerCase()}:${ctx.port}`;
  const cached = cache?.get(key) ?? null;
  if (cached?.fresh && !refresh) return { ...cached.outcome, cached: true };

  // Synapse retries a domain that had a valid record recently, 500 ms apart.
  const attempts = cache?.hadValidRecently(key) ? RETRY_ATTEMPTS : 1;
  let outcome: WellKnownOutcome = none(true, "WK_TIMEOUT", "not fetched");
  try {
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleep(RETRY_DELAY_MS, ctx.signal);
      outcome = await fetchWellKnown(host, ctx, cache?.now);
      if (outcome.kind === "found" || !outcome.temporary) break;
    }
  } catch (error) {
    if (!(error instanceof FederationRequestError)) throw error;
    // Deadline hit mid-fetch: remember the failure so the next attempt goes on to SRV / A
    // instead of spending its whole budget here again. A cancellation proves nothing.
    if (cache !== undefined && cached === null && isDeadline(ctx.signal)) {
      cache.store(key, none(true, "WK_TIMEOUT", `${host}: ${error.failure.message}`));
    }
    throw new FederationRequestError({ ...error.failure, stage: "well-known" });
  }
  if (outcome.kind === "none" && outcome.temporary && cached !== null) return { ...cached.outcome, cached: true };
  cache?.store(key, outcome);
  return { ...outcome, cached: false };
}
