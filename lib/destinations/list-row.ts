// One row of the console's destinations list as the page hands it to the browser: only what the
// row shows, int8 values as decimal strings (exact, never through Number), positional. The rows
// are props of a client component, so every byte here is in the page's flight payload 100 times
// over (issue 17: the whole ConsoleDestination per row was ~60 KB of a 270 KB page).
import type { ConsoleDestination } from "./console-rows";
import type { StatusKind } from "./destination-status";

export type ListRow = readonly [
  destination: string,
  status: StatusKind,
  /** The badge's tooltip. */
  errorKind: string | null,
  /** failure_ts while backing off (Synapse keeps it after a success until the timings clear). */
  failingSince: string | null,
  lastAttempt: string | null,
  nextRetry: string | null,
  /** "0" when not backing off. */
  retryInterval: string,
  lastSuccessfulStreamOrdering: string | null,
  rooms: number,
  /** 1 when the backoff can be reset (the row carries a Reset button for operators). */
  resettable: 0 | 1,
];

const text = (v: bigint | null) => (v === null ? null : v.toString());

export function toListRow(d: ConsoleDestination): ListRow {
  return [
    d.destination,
    d.status.kind,
    d.lastErrorKind,
    d.failureTs !== null && d.retryLastTs > 0n ? d.failureTs.toString() : null,
    text(d.lastAttemptTs),
    text(d.status.nextRetryTs),
    d.retryInterval.toString(),
    text(d.lastSuccessfulStreamOrdering),
    d.roomsCount,
    d.status.resettable ? 1 : 0,
  ];
}
