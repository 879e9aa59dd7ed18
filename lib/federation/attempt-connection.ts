// One scheduler attempt against a destination: validate the name, resolve it (well-known,
// SRV, A/AAAA, IP guard), GET /_matrix/federation/v1/version over verified TLS, and
// classify the outcome as Synapse's retry limiter would (synapse/util/retryutils.py).
// Network problems never throw: every attempt ends in an AttemptResult.
import { classifyHttpStatus, type Outcome } from "./backoff";
import { VERSION_MAX_BYTES, getFromTargets, parseJsonBody } from "./federation-client";
import {
  FederationRequestError,
  deadlineReason,
  type AttemptStage,
  type Failure,
  type FailureReason,
} from "./federation-types";
import { dnsFor } from "./dns-servers";
import type { DnsFunctions } from "./guarded-lookup";
import type { AttemptSettings } from "../settings/settings";
import { ipGuardFrom, type IpGuard } from "./ip-guard";
import { resolveServer } from "./resolve-server";
import { formatHostPort } from "./server-name";
import { storedText } from "./stored-text";
import { WellKnownCache } from "./well-known";

export type { AttemptStage, DnsFunctions, FailureReason };
export { WellKnownCache };

export const VERSION_PATH = "/_matrix/federation/v1/version";

import type { AttemptResult } from "./attempt-result";
export type { AttemptResult };

export type AttemptOptions = {
  timeoutMs: number;
  ipGuard: IpGuard;
  ca?: string;
  wellKnownPort?: number;
  dns?: DnsFunctions;
  wellKnownCache?: WellKnownCache;
  /** Bypass this process's well-known cache for this attempt (a reset). */
  refreshCache?: boolean;
  signal?: AbortSignal;
};

// Invalid names are refused before Synapse's limiter and a cancellation is neither
// success nor failure, so neither may touch the backoff; everything else that went
// wrong before a response (DNS, refused, TLS, timeout, blocked IP) is a failure.
function outcomeOf(reason: FailureReason): Outcome {
  return reason === "INVALID_SERVER_NAME" || reason === "CANCELLED" ? "neutral" : "failure";
}

function httpReason(status: number): FailureReason {
  if (status === 401) return "HTTP_401";
  if (status === 404) return "HTTP_404";
  if (status === 429) return "HTTP_429";
  return status >= 500 ? "HTTP_5XX" : "HTTP_OTHER";
}

function stringField(value: unknown, key: string): string | null {
  if (typeof value !== "object" || value === null || !(key in value)) return null;
  const field: unknown = (value as Record<string, unknown>)[key];
  return typeof field === "string" ? field : null;
}

function serverInfo(json: unknown): { name: string | null; version: string | null } {
  const server: unknown = typeof json === "object" && json !== null && "server" in json ? json.server : null;
  return { name: stringField(server, "name"), version: stringField(server, "version") };
}

export async function attemptConnection(serverName: string, opts: AttemptOptions): Promise<AttemptResult> {
  const started = performance.now();
  // One signal for the whole attempt: our deadline, or the caller's cancellation passed on
  // (forwarded by hand rather than AbortSignal.any so a long-lived caller signal does not
  // collect a listener per attempt).
  const controller = new AbortController();
  const signal = controller.signal;
  const timer = setTimeout(() => controller.abort(deadlineReason(opts.timeoutMs)), opts.timeoutMs);
  const forward = (): void => controller.abort(opts.signal?.reason);
  if (opts.signal?.aborted) forward();
  else opts.signal?.addEventListener("abort", forward, { once: true });
  let resolvedAddress: string | null = null;
  let certNotAfterMs: number | null = null;

  // Messages may quote the remote's answer; software and version are its own words: cleaned
  // and capped (stored-text.ts) before anything keeps them.
  const result = (
    fields: Pick<AttemptResult, "outcome" | "stage" | "reason" | "message"> & Partial<AttemptResult>,
  ): AttemptResult => ({
    httpStatus: null,
    resolvedAddress,
    certNotAfterMs,
    ...fields,
    message: storedText(fields.message),
    serverSoftware: storedText(fields.serverSoftware ?? null),
    serverVersion: storedText(fields.serverVersion ?? null),
    durationMs: Math.round(performance.now() - started),
  });
  const failed = (f: Failure): AttemptResult =>
    result({ outcome: outcomeOf(f.reason), stage: f.stage, reason: f.reason, message: f.message });

  try {
    const resolution = await resolveServer(serverName, {
      ipGuard: opts.ipGuard,
      signal,
      dns: opts.dns,
      wellKnownPort: opts.wellKnownPort,
      wellKnownCache: opts.wellKnownCache,
      refreshCache: opts.refreshCache,
      ca: opts.ca,
    });
    if (!resolution.ok) return failed(resolution.failure);

    const got = await getFromTargets(resolution.targets, {
      path: VERSION_PATH,
      maxBodyBytes: VERSION_MAX_BYTES,
      signal,
      ca: opts.ca,
    });
    const where = formatHostPort(got.target.address, got.target.port);
    resolvedAddress = where;
    if (!got.ok) return failed(got.failure);
    certNotAfterMs = got.response.certNotAfterMs ?? null;

    const { status } = got.response;
    const outcome = classifyHttpStatus(status);
    if (outcome !== "success") {
      const note = status >= 300 && status < 400 ? " (redirects are not followed)" : "";
      return result({
        outcome,
        stage: "http",
        reason: httpReason(status),
        message: `${where} answered HTTP ${status}${note}`,
        httpStatus: status,
      });
    }

    // 2xx: a success for the backoff even if the body is unusable (Synapse parses it after
    // the limiter has closed); the body problem is still recorded.
    const json = parseJsonBody(got.response, true);
    const info = json.ok ? serverInfo(json.value) : { name: null, version: null };
    const bodyProblem: Failure | null = !json.ok
      ? json.failure
      : info.name === null || info.version === null
        ? { stage: "http", reason: "INVALID_JSON", message: 'response lacks "server": {"name", "version"} strings' }
        : null;
    return result({
      outcome: "success",
      stage: "done",
      reason: bodyProblem?.reason ?? null,
      message: bodyProblem?.message ?? null,
      httpStatus: status,
      serverSoftware: info.name,
      serverVersion: info.version,
    });
  } catch (error) {
    if (error instanceof FederationRequestError) return failed(error.failure);
    throw error; // a bug or a bad configuration, not a network problem
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", forward);
  }
}

// One cache per process, so attempts share what well-known lookups learnt.
const sharedWellKnownCache = new WellKnownCache();

/** Drops this process's cached discovery (well-known answers) for a destination ("Flush cached discovery"). */
export function forgetDiscovery(serverName: string): number {
  return sharedWellKnownCache.forget(serverName.replace(/:\d+$/, ""));
}

/** The attempt options of this process's settings (lib/settings), with the shared well-known cache. */
export function attemptOptionsFrom(s: AttemptSettings): AttemptOptions {
  return {
    timeoutMs: s.timeoutMs,
    ipGuard: ipGuardFrom(s),
    ca: s.ca,
    wellKnownPort: s.wellKnownPort,
    wellKnownCache: sharedWellKnownCache,
    // The system resolver unless FEDERATION_DNS_SERVERS names others.
    dns: s.dnsServers === undefined ? undefined : dnsFor(s.dnsServers),
  };
}
