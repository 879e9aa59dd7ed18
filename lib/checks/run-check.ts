// A federation check of one server name: discovery, then every address probed with bounded
// concurrency, all under one deadline, then the verdicts. Read-only: it never writes retry
// timings or the well-known cache attempts use (it fetches well-known afresh every time).
import type { CheckDns } from "../federation/dns-servers";
import { FederationRequestError } from "../federation/federation-types";
import type { IpGuard } from "../federation/ip-guard";
import { discover, emptyDiscovery, type CheckTarget } from "./discover";
import { probeAddress } from "./probe-address";
import { REPORT_FORMAT, type AddressReport, type CheckReport } from "./report-model";
import { summarize } from "./summarize";

/** Addresses probed at once: enough for any real server, bounded against a hostile zone. */
export const ADDRESS_CONCURRENCY = 4;
/** Addresses probed at most; more are reported as skipped. */
export const MAX_ADDRESSES = 32;
/** The key response kept in a report, at most (the whole is checked, up to 256 KiB). */
export const RAW_KEYS_KEPT = 16 * 1024;

export type CheckOptions = {
  dns: CheckDns;
  ipGuard: IpGuard;
  timeoutMs: number;
  wellKnownPort: number;
  ca?: string;
  now?: () => number;
};

async function mapBounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function trimRaw(a: AddressReport): AddressReport {
  if (a.keys !== null && JSON.stringify(a.keys.raw ?? null).length > RAW_KEYS_KEPT) a.keys.raw = null;
  return a;
}

export async function runCheck(serverName: string, opts: CheckOptions): Promise<CheckReport> {
  const now = opts.now ?? Date.now;
  const startedAt = new Date(now()).toISOString();
  const started = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`check deadline of ${opts.timeoutMs} ms reached`, "TimeoutError")),
    opts.timeoutMs,
  );
  const discovery = emptyDiscovery(serverName);
  let addresses: AddressReport[] = [];
  try {
    try {
      await discover(serverName, discovery, {
        dns: opts.dns,
        ipGuard: opts.ipGuard,
        signal: controller.signal,
        wellKnownPort: opts.wellKnownPort,
        ca: opts.ca,
      });
    } catch (error) {
      if (!(error instanceof FederationRequestError)) throw error;
    }
    const targets: CheckTarget[] = discovery.targets.slice(0, MAX_ADDRESSES);
    addresses = await mapBounded(targets, ADDRESS_CONCURRENCY, (t) =>
      probeAddress(t, { serverName, signal: controller.signal, ca: opts.ca, now }).then(trimRaw),
    );
  } finally {
    clearTimeout(timer);
  }
  const timedOut = controller.signal.aborted;
  const summary = summarize(serverName, discovery, addresses, timedOut ? { deadlineMs: opts.timeoutMs } : null);
  return {
    format: REPORT_FORMAT,
    serverName,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    deadlineMs: opts.timeoutMs,
    timedOut,
    name: discovery.name,
    wellKnown: discovery.wellKnown,
    dns: discovery.dns,
    addresses,
    summary,
  };
}
