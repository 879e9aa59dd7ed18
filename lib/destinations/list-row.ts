// One row of the console's destinations list as the page hands it to the browser: only what the
// row shows, positional. The rows are props of a client component, so every byte here is in the
// page's flight payload 100 times over (issue 17: the whole ConsoleDestination per row was
// ~60 KB of a 270 KB page), where a string costs its quotes twice escaped (`\"…\"`): the status
// is its index in STATUS_KINDS, and int8 values are plain numbers when a double holds them
// exactly — decimal strings beyond 2^53, so they are never rounded.
import type { ConsoleDestination } from "./console-rows";
import { STATUS_KINDS, type StatusKind } from "./destination-status";

/** An int8 value: a number when exact as a double, else its decimal string; `BigInt(v)` reads both. */
export type ExactInt = number | string;

export type ListRow = readonly [
  destination: string,
  /** Index in STATUS_KINDS (statusOf). */
  status: number,
  /** The badge's tooltip. */
  errorKind: string | null,
  /** failure_ts while backing off (Synapse keeps it after a success until the timings clear). */
  failingSince: ExactInt | null,
  lastAttempt: ExactInt | null,
  nextRetry: ExactInt | null,
  /** 0 when not backing off. */
  retryInterval: ExactInt,
  lastSuccessfulStreamOrdering: ExactInt | null,
  rooms: number,
  /** 1 when the backoff can be reset (the row carries a Reset button for operators). */
  resettable: 0 | 1,
];

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
export const exactInt = (v: bigint): ExactInt => (v <= MAX && v >= -MAX ? Number(v) : v.toString());
const exact = (v: bigint | null) => (v === null ? null : exactInt(v));

export const statusOf = (row: ListRow): StatusKind => STATUS_KINDS[row[1]];

export function toListRow(d: ConsoleDestination): ListRow {
  return [
    d.destination,
    STATUS_KINDS.indexOf(d.status.kind),
    d.lastErrorKind,
    d.failureTs !== null && d.retryLastTs > 0n ? exactInt(d.failureTs) : null,
    exact(d.lastAttemptTs),
    exact(d.status.nextRetryTs),
    exactInt(d.retryInterval),
    exact(d.lastSuccessfulStreamOrdering),
    d.roomsCount,
    d.status.resettable ? 1 : 0,
  ];
}
