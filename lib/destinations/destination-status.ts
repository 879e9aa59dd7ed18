// What state a destination is in, named honestly, from the columns the scheduler keeps.
// One pure function for what pages show, and the same rules as SQL for filtering and sorting
// (listConsoleDestinations), so the list filter and the badges never disagree.
//
// Rules, first match wins:
//   Blocked          last_error_kind = IP_BLOCKED and still backing off (retry_last_ts > 0)
//   Retrying now     an attempt is in flight (claimed_until > now) or a reset asked for one
//                    that has not finished (wake_requested_at set)
//   Reachable, still backing off
//                    retry_last_ts > 0, yet the latest attempt succeeded after the latest failure
//                    (last_outcome success, last_attempt_ts >= retry_last_ts): in mirror mode, the
//                    homeserver backs off from a server our prober reaches — reset it
//   Backing off      retry_last_ts > 0 (next retry at retry_last_ts + retry_interval)
//   Never contacted  no attempt recorded and not backing off
//   Healthy          otherwise
// A null last_successful_stream_ordering says nothing about reachability (Synapse only sets
// it once it has sent events), so it plays no part here.

export const STATUS_KINDS = [
  "healthy",
  "retrying",
  "never_contacted",
  "reachable_backing_off",
  "backing_off",
  "blocked",
] as const;
export type StatusKind = (typeof STATUS_KINDS)[number];

export const STATUS_LABELS: Record<StatusKind, string> = {
  healthy: "Healthy",
  retrying: "Retrying now",
  never_contacted: "Never contacted",
  reachable_backing_off: "Reachable, still backing off",
  backing_off: "Backing off",
  blocked: "Blocked",
};

export type StatusInput = {
  retryLastTs: bigint;
  retryInterval: bigint;
  lastAttemptTs: bigint | null;
  lastOutcome: string | null;
  lastErrorKind: string | null;
  claimedUntil: bigint | null;
  wakeRequestedAt: bigint | null;
};

export type DestinationStatus = {
  kind: StatusKind;
  label: string;
  /** When the next scheduled retry is due (backing off or blocked), else null. */
  nextRetryTs: bigint | null;
  /** A reset (or an attempt) is pending or running: pages refresh until it finishes. */
  inProgress: boolean;
  /** The backoff can be reset (Synapse's rule: retry_last_ts > 0). */
  resettable: boolean;
};

export function destinationStatus(d: StatusInput, nowMs: bigint): DestinationStatus {
  const backingOff = d.retryLastTs > 0n;
  const inProgress = (d.claimedUntil !== null && d.claimedUntil > nowMs) || d.wakeRequestedAt !== null;
  const nextRetryTs = backingOff ? d.retryLastTs + d.retryInterval : null;
  let kind: StatusKind;
  if (d.lastErrorKind === "IP_BLOCKED" && backingOff) kind = "blocked";
  else if (inProgress) kind = "retrying";
  else if (backingOff && d.lastOutcome === "success" && d.lastAttemptTs !== null && d.lastAttemptTs >= d.retryLastTs)
    kind = "reachable_backing_off";
  else if (backingOff) kind = "backing_off";
  else if (d.lastAttemptTs === null) kind = "never_contacted";
  else kind = "healthy";
  return { kind, label: STATUS_LABELS[kind], nextRetryTs, inProgress, resettable: backingOff };
}

/** Why the reset control is disabled, or null when a reset is possible. */
export function resetUnavailableReason(s: DestinationStatus): string | null {
  if (s.resettable) return null;
  if (s.inProgress) return "A reset was requested; the attempt has not finished yet.";
  return "Not backing off: there is no retry timing to reset.";
}

/** Statuses and the "failing" group (every destination backing off) as list filters. */
export const STATUS_FILTERS = ["failing", ...STATUS_KINDS] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

/**
 * SQL condition for a filter, with the current time in milliseconds as the parameter `$n`.
 * Mirrors destinationStatus exactly (the tests compare the two on every combination).
 */
export function statusFilterSql(f: StatusFilter, nowParam: string): string {
  // Every part is a plain boolean (never NULL), so NOT means "not".
  const blocked = `(retry_last_ts > 0 AND last_error_kind IS NOT DISTINCT FROM 'IP_BLOCKED')`;
  const inProgress = `(COALESCE(claimed_until > ${nowParam}::bigint, false) OR wake_requested_at IS NOT NULL)`;
  // As the partial index destinations_reachable_backing_off (a NULL attempt time is not >=).
  const reachable = `(retry_last_ts > 0 AND last_outcome = 'success' AND last_attempt_ts >= retry_last_ts)`;
  const reachableBool = `COALESCE(${reachable}, false)`;
  switch (f) {
    case "failing":
      return `retry_last_ts > 0`;
    case "blocked":
      // Plain "=" (not IS NOT DISTINCT FROM) so the partial index destinations_blocked applies;
      // a NULL kind excludes the row just as false would.
      return `(retry_last_ts > 0 AND last_error_kind = 'IP_BLOCKED')`;
    case "retrying":
      return `(${inProgress} AND NOT ${blocked})`;
    case "reachable_backing_off":
      return `(${reachable} AND NOT ${blocked} AND NOT ${inProgress})`;
    case "backing_off":
      return `(retry_last_ts > 0 AND NOT ${blocked} AND NOT ${inProgress} AND NOT ${reachableBool})`;
    case "never_contacted":
      return `(retry_last_ts = 0 AND last_attempt_ts IS NULL AND NOT ${inProgress})`;
    case "healthy":
      return `(retry_last_ts = 0 AND last_attempt_ts IS NOT NULL AND NOT ${inProgress})`;
  }
}

/**
 * The status as a sort key, identical to the stored column status_rank (migration
 * 20261203000000_stored_sort_keys, which the console list sorts by)
 * (healthy 0, retrying 1, never contacted 2, reachable but backing off 3, backing off 4, blocked 5). It cannot depend on
 * the clock, so a held claim counts as retrying even once its lease has expired.
 */
export const STATUS_RANK_SQL = `(CASE WHEN "last_error_kind" = 'IP_BLOCKED' AND "retry_last_ts" > 0 THEN 5 WHEN "claimed_until" IS NOT NULL OR "wake_requested_at" IS NOT NULL THEN 1 WHEN "retry_last_ts" > 0 AND "last_outcome" = 'success' AND "last_attempt_ts" >= "retry_last_ts" THEN 3 WHEN "retry_last_ts" > 0 THEN 4 WHEN "last_attempt_ts" IS NULL THEN 2 ELSE 0 END)`;

/** Next retry as a sort key, identical to the stored column next_retry_ts (numeric: no bigint overflow). */
export const NEXT_RETRY_SQL = `(CASE WHEN "retry_last_ts" > 0 THEN "retry_last_ts"::numeric + "retry_interval" END)`;
