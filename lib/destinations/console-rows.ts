// A destination as the console shows it: Synapse's timings plus what the scheduler records.
import type { DestinationTimings } from "./types";
import { destinationStatus, type DestinationStatus } from "./destination-status";

export type ConsoleDestination = DestinationTimings & {
  lastAttemptTs: bigint | null;
  lastOutcome: string | null;
  lastErrorKind: string | null;
  lastErrorMessage: string | null;
  lastSuccessTs: bigint | null;
  resolvedAddress: string | null;
  serverSoftware: string | null;
  serverVersion: string | null;
  claimedUntil: bigint | null;
  wakeRequestedAt: bigint | null;
  roomsCount: number;
  status: DestinationStatus;
};

// int8 as text: exact digits whatever pg type parsers are installed.
export const CONSOLE_COLUMNS = `destination, retry_last_ts::text AS retry_last_ts, retry_interval::text AS retry_interval,
  failure_ts::text AS failure_ts, last_successful_stream_ordering::text AS last_successful_stream_ordering,
  last_attempt_ts::text AS last_attempt_ts, last_outcome, last_error_kind, last_error_message,
  last_success_ts::text AS last_success_ts, resolved_address, server_software, server_version,
  claimed_until::text AS claimed_until, wake_requested_at::text AS wake_requested_at, rooms_count`;

export type ConsoleSqlRow = {
  destination: string;
  retry_last_ts: string;
  retry_interval: string;
  failure_ts: string | null;
  last_successful_stream_ordering: string | null;
  last_attempt_ts: string | null;
  last_outcome: string | null;
  last_error_kind: string | null;
  last_error_message: string | null;
  last_success_ts: string | null;
  resolved_address: string | null;
  server_software: string | null;
  server_version: string | null;
  claimed_until: string | null;
  wake_requested_at: string | null;
  rooms_count: number;
};

const big = (v: string | null) => (v === null ? null : BigInt(v));

export function toConsoleDestination(r: ConsoleSqlRow, nowMs: bigint): ConsoleDestination {
  const d = {
    destination: r.destination,
    retryLastTs: BigInt(r.retry_last_ts),
    retryInterval: BigInt(r.retry_interval),
    failureTs: big(r.failure_ts),
    lastSuccessfulStreamOrdering: big(r.last_successful_stream_ordering),
    lastAttemptTs: big(r.last_attempt_ts),
    lastOutcome: r.last_outcome,
    lastErrorKind: r.last_error_kind,
    lastErrorMessage: r.last_error_message,
    lastSuccessTs: big(r.last_success_ts),
    resolvedAddress: r.resolved_address,
    serverSoftware: r.server_software,
    serverVersion: r.server_version,
    claimedUntil: big(r.claimed_until),
    wakeRequestedAt: big(r.wake_requested_at),
    roomsCount: Number(r.rooms_count),
  };
  return { ...d, status: destinationStatus(d, nowMs) };
}
