// Name resolution with the IP guard applied (as Synapse's IPBlocklistFilteringResolver in
// synapse/http/client.py): if ANY address of a
// name is blocked the name counts as unresolvable (IP_BLOCKED) — all or nothing, as
// Synapse's filtering resolver does — so DNS rebinding cannot slip one address through.
import { promises as dnsPromises } from "node:dns";
import type { IpGuard } from "./ip-guard";
import {
  FederationRequestError,
  isDeadline,
  type AttemptStage,
  type Failure,
  type FailureReason,
} from "./federation-types";

export type DnsAddress = { address: string; family: number };
export type SrvRecord = { name: string; port: number; priority: number; weight: number };
/** Injectable for tests; the defaults use the system resolver. */
export type DnsFunctions = {
  lookup(host: string): Promise<DnsAddress[]>;
  resolveSrv(name: string): Promise<SrvRecord[]>;
};

export const systemDns: DnsFunctions = {
  lookup: (host) => dnsPromises.lookup(host, { all: true, verbatim: true }),
  resolveSrv: (name) => dnsPromises.resolveSrv(name),
};

export type LookupResult = { ok: true; addresses: string[] } | { ok: false; failure: Failure };

/** The failure an aborted signal stands for: the attempt deadline (TIMEOUT) or a cancellation. */
export function abortedFailure(signal: AbortSignal, stage: AttemptStage, doing: string): Failure {
  return isDeadline(signal)
    ? { stage, reason: "TIMEOUT", message: `timed out ${doing}` }
    : { stage, reason: "CANCELLED", message: "attempt cancelled" };
}

/**
 * Resolves `work` unless `signal` aborts first, then throws FederationRequestError.
 * DNS calls cannot be cancelled; the late answer is simply ignored.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal, stage: AttemptStage, doing: string): Promise<T> {
  if (signal.aborted) return Promise.reject(new FederationRequestError(abortedFailure(signal, stage, doing)));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new FederationRequestError(abortedFailure(signal, stage, doing)));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

export function errorCode(error: unknown): string {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : "";
}

function lookupFailure(host: string, error: unknown): Failure {
  const code = errorCode(error);
  const fail = (reason: FailureReason, message: string): Failure => ({ stage: "dns", reason, message });
  if (code === "ENOTFOUND") return fail("DNS_NXDOMAIN", `no such host: ${host}`);
  if (code === "ENODATA") return fail("DNS_NO_ADDRESSES", `${host} has no A or AAAA records`);
  if (code === "EAI_AGAIN" || code === "ETIMEOUT" || code === "ETIMEDOUT") {
    return fail("DNS_TIMEOUT", `DNS lookup of ${host} timed out or failed temporarily (${code})`);
  }
  const detail = error instanceof Error ? error.message : String(error);
  return fail("DNS_ERROR", `DNS lookup of ${host} failed: ${detail}`);
}

/** A/AAAA of `host`, all addresses checked against the guard. Throws only on abort. */
export async function lookupGuarded(
  host: string,
  dns: DnsFunctions,
  ipGuard: IpGuard,
  signal: AbortSignal,
): Promise<LookupResult> {
  let records: DnsAddress[];
  try {
    records = await raceAbort(dns.lookup(host), signal, "dns", `resolving ${host}`);
  } catch (error) {
    if (error instanceof FederationRequestError) throw error;
    return { ok: false, failure: lookupFailure(host, error) };
  }
  const addresses = [...new Set(records.map((r) => r.address))];
  if (addresses.length === 0) {
    return {
      ok: false,
      failure: { stage: "dns", reason: "DNS_NO_ADDRESSES", message: `${host} has no A or AAAA records` },
    };
  }
  const blocked = addresses.filter((a) => ipGuard.isBlocked(a));
  if (blocked.length > 0) return { ok: false, failure: blockedFailure(host, blocked) };
  return { ok: true, addresses };
}

export function blockedFailure(name: string, blocked: string[]): Failure {
  const which = name === blocked[0] ? name : `${name} resolves to ${blocked.join(", ")}, which`;
  return {
    stage: "dns",
    reason: "IP_BLOCKED",
    message: `${which} ${blocked.length > 1 ? "are" : "is"} in the IP range blocklist (FEDERATION_IP_RANGE_BLOCKLIST / FEDERATION_IP_RANGE_ALLOWLIST)`,
  };
}
