// Writes one attempt's result: the Attempt row, the new backoff timings (Synapse's guarded
// upsert, applied only if nobody changed the timings since the claim — a reset during the
// attempt wins), what operators want to see on the destination, and the claim's release.
// One transaction: the history and the state never disagree.
//
// Remote strings are cleaned first (stored-text.ts). Should the database still refuse the row
// for anything but being down, the attempt is recorded again without the remote server's
// strings: an attempt that is never recorded keeps its claim until the lease ends and is then
// retried, skipping the backoff, forever.
import type pg from "pg";
import { isDatabaseDown } from "../db/errors";
import { prepared } from "../db/prepared";
import { type Tx, withTransaction } from "../db/transaction";
import { GUARDED_TIMINGS_WHERE, nextTimings, type BackoffConfig } from "./backoff";
import type { Claim } from "./claim-due";
import type { AttemptResult } from "./attempt-result";
import { storedText } from "./stored-text";
import { announceChanged } from "../live/announce";

export type RecordOptions = {
  nowMs: number;
  owner: string;
  backoff: BackoffConfig;
  historyLimit: number;
  /** false in mirror mode: the homeserver owns the four Synapse columns; only the attempt is recorded. */
  writeTimings?: boolean;
  random?: () => number;
  /**
   * Runs in the same transaction once the attempt row is written (never for an attempt already
   * recorded): alert detection (lib/webhooks/note-attempt.ts) commits with the attempt or not at all.
   */
  afterRecord?: (tx: Tx, claim: Claim, result: AttemptResult, nowMs: number) => Promise<void>;
};

export type RecordOutcome = { timingsWritten: boolean; destinationGone: boolean };

export async function recordAttempt(
  pool: pg.Pool,
  claim: Claim,
  result: AttemptResult,
  o: RecordOptions,
): Promise<RecordOutcome> {
  const clean = cleanResult(result);
  let outcome: RecordOutcome;
  try {
    outcome = await writeAttempt(pool, claim, clean, o);
  } catch (e) {
    if (isDatabaseDown(e)) throw e; // the scheduler retries the same write while its claim holds
    const code = (e as { code?: string }).code ?? "error";
    outcome = await writeAttempt(pool, claim, withoutRemoteText(clean, code), o);
  }
  // Open console pages redraw the row (after the COMMIT, batched: lib/live/announce.ts).
  if (!outcome.destinationGone) announceChanged(pool, [claim.destination]);
  return outcome;
}

/** Every string as it may be stored: no NULs, a few hundred characters at most. */
function cleanResult(r: AttemptResult): AttemptResult {
  return {
    ...r,
    reason: storedText(r.reason),
    message: storedText(r.message),
    resolvedAddress: storedText(r.resolvedAddress),
    serverSoftware: storedText(r.serverSoftware),
    serverVersion: storedText(r.serverVersion),
  };
}

/** The attempt without what the remote server said: its outcome and backoff still count. */
function withoutRemoteText(r: AttemptResult, code: string): AttemptResult {
  return {
    ...r,
    message: `the remote server's answer could not be stored (database error ${code})`,
    serverSoftware: null,
    serverVersion: null,
  };
}

// The state columns written with every attempt ($1 destination, then $2…$11); the timings
// upsert and the plain UPDATE below share them, so an attempt makes one new row version of
// destinations, not two (each version is an entry in every one of its ~25 indexes).
const STATE_SET = `
  last_attempt_ts = $2, last_outcome = $3, last_error_kind = $4, last_error_message = $5,
  last_success_ts = CASE WHEN $6::boolean THEN $2 ELSE destinations.last_success_ts END,
  resolved_address = COALESCE($7, destinations.resolved_address),
  server_software = COALESCE($8, destinations.server_software), server_version = COALESCE($9, destinations.server_version),
  claimed_until = CASE WHEN destinations.claimed_by = $10 THEN NULL ELSE destinations.claimed_until END,
  claimed_by = CASE WHEN destinations.claimed_by = $10 THEN NULL ELSE destinations.claimed_by END,
  wake_trigger = CASE WHEN destinations.wake_requested_at IS NOT DISTINCT FROM $11::bigint THEN NULL ELSE destinations.wake_trigger END,
  wake_requested_at = CASE WHEN destinations.wake_requested_at IS NOT DISTINCT FROM $11::bigint THEN NULL ELSE destinations.wake_requested_at END`;

async function writeAttempt(pool: pg.Pool, claim: Claim, result: AttemptResult, o: RecordOptions) {
  return withTransaction(pool, async (c): Promise<RecordOutcome> => {
    const startedTs = o.nowMs - result.durationMs;
    const durationMs = Math.round(result.durationMs);
    // Lock the destination and learn in the same round trip whether this very attempt (same
    // scheduler, start and duration) is already recorded: the scheduler retries this write when
    // the database drops the connection, which can happen after a COMMIT landed but before its
    // answer came back, and that attempt must not count twice.
    const lock = await c.query<{ recorded: boolean }>(
      prepared(
        "fc_record_lock",
        `SELECT EXISTS (SELECT 1 FROM attempts a WHERE a.destination = $1 AND a.started_ts = $2 AND a.duration_ms = $3
                        AND a.scheduler = $4) AS recorded
       FROM destinations WHERE destination = $1 FOR UPDATE`,
        [claim.destination, startedTs, durationMs, o.owner],
      ),
    );
    // Forgotten meanwhile: nothing to record against.
    if (lock.rowCount === 0) return { timingsWritten: false, destinationGone: true };
    if (lock.rows[0].recorded) return { timingsWritten: false, destinationGone: false };
    // The attempt row, and the history bounded to the newest historyLimit of this destination:
    // the DELETE sees the rows before this INSERT (one snapshot), so it keeps historyLimit - 1 of them.
    await c.query(
      prepared(
        "fc_record_insert",
        `WITH added AS (
         INSERT INTO attempts (destination, started_ts, duration_ms, trigger, outcome, stage, reason, message, http_status,
                               resolved_address, server_software, server_version, scheduler)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id)
       DELETE FROM attempts WHERE destination = $1 AND id IN (
         SELECT id FROM attempts WHERE destination = $1 ORDER BY id DESC OFFSET $14)`,
        [
          claim.destination,
          startedTs,
          durationMs,
          claim.trigger,
          result.outcome,
          result.stage,
          result.reason,
          result.message,
          result.httpStatus,
          result.resolvedAddress,
          result.serverSoftware,
          result.serverVersion,
          o.owner,
          Math.max(0, o.historyLimit - 1),
        ],
      ),
    );

    if (o.afterRecord) await o.afterRecord(c, claim, result, o.nowMs);

    const ok = result.outcome === "success";
    const state = [
      claim.destination,
      o.nowMs,
      result.outcome,
      ok ? null : result.reason,
      ok ? null : result.message,
      ok,
      result.resolvedAddress,
      result.serverSoftware,
      result.serverVersion,
      o.owner,
      claim.wakeRequestedAt?.toString() ?? null,
    ];
    const next =
      o.writeTimings === false
        ? null
        : nextTimings(claim.timings, result.outcome, BigInt(o.nowMs), o.backoff, o.random);
    if (next) {
      // Synapse's guarded upsert (synapse/storage/databases/main/transactions.py,
      // _set_destination_retry_timings_native), applied only if the timings are still those
      // claimed (a reset during the attempt wins), with the state columns in the same write.
      const r = await c.query(
        prepared(
          "fc_record_timings",
          `INSERT INTO destinations AS destinations (destination, retry_last_ts, retry_interval, failure_ts) VALUES ($1, $12, $13, $14)
         ON CONFLICT (destination) DO UPDATE SET retry_last_ts = EXCLUDED.retry_last_ts, retry_interval = EXCLUDED.retry_interval,
           failure_ts = EXCLUDED.failure_ts, ${STATE_SET}
         WHERE (${GUARDED_TIMINGS_WHERE}) AND destinations.retry_last_ts = $15 AND destinations.retry_interval = $16`,
          [
            ...state,
            next.retryLastTs.toString(),
            next.retryInterval.toString(),
            next.failureTs?.toString() ?? null,
            claim.timings.retryLastTs.toString(),
            claim.timings.retryInterval.toString(),
          ],
        ),
      );
      if (r.rowCount === 1) return { timingsWritten: true, destinationGone: false };
    }
    // No new timings, or the guard kept the ones there: the state alone.
    await c.query(prepared("fc_record_state", `UPDATE destinations SET ${STATE_SET} WHERE destination = $1`, state));
    return { timingsWritten: false, destinationGone: false };
  });
}
