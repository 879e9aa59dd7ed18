// Reading destination rows from pg: int8 columns arrive as decimal strings (exact).
import type { DestinationTimings } from "./types";

export const TIMINGS_COLUMNS =
  "destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering";

export type TimingsSqlRow = {
  destination: string;
  retry_last_ts: string;
  retry_interval: string;
  failure_ts: string | null;
  last_successful_stream_ordering: string | null;
};

export function toTimings(r: TimingsSqlRow): DestinationTimings {
  return {
    destination: r.destination,
    retryLastTs: BigInt(r.retry_last_ts),
    retryInterval: BigInt(r.retry_interval),
    failureTs: r.failure_ts === null ? null : BigInt(r.failure_ts),
    lastSuccessfulStreamOrdering:
      r.last_successful_stream_ordering === null ? null : BigInt(r.last_successful_stream_ordering),
  };
}
