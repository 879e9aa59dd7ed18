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

async function writeAttempt(pool: pg.Pool, claim: Claim, result: AttemptResult, o: RecordOptions) {
  return withTransaction(pool, async (c): Promise<RecordOutcome> => {
    const exists = await c.query("SELECT 1 FROM destinations WHERE destination = $1 FOR UPDATE", [claim.destination]);
    // Forgotten meanwhile: nothing to record against.
    if (exists.rowCount === 0) return { timingsWritten: false, destinationGone: true };
    const startedTs = o.nowMs - result.durationMs;
    // The scheduler retries this write when the database drops the connection, which can happen
    // after a COMMIT landed but before its answer came back: the same attempt (same scheduler,
    // same start and duration) already recorded means that write went through, and it must not count twice.
    const recorded = await c.query(
      "SELECT 1 FROM attempts WHERE destination = $1 AND started_ts = $2 AND duration_ms = $3 AND scheduler = $4",
      [claim.destination, startedTs, Math.round(result.durationMs), o.owner],
    );
    if (recorded.rowCount !== 0) return { timingsWritten: false, destinationGone: false };
    await c.query(
      `INSERT INTO attempts (destination, started_ts, duration_ms, trigger, outcome, stage, reason, message, http_status,
                             resolved_address, server_software, server_version, scheduler)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        claim.destination,
        startedTs,
        Math.round(result.durationMs),
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
      ],
    );

    if (o.afterRecord) await o.afterRecord(c, claim, result, o.nowMs);

    let timingsWritten = false;
    const next =
      o.writeTimings === false
        ? null
        : nextTimings(claim.timings, result.outcome, BigInt(o.nowMs), o.backoff, o.random);
    if (next) {
      const r = await c.query(
        `INSERT INTO destinations AS destinations (destination, retry_last_ts, retry_interval, failure_ts) VALUES ($1, $2, $3, $4)
         ON CONFLICT (destination) DO UPDATE SET retry_last_ts = EXCLUDED.retry_last_ts, retry_interval = EXCLUDED.retry_interval,
           failure_ts = EXCLUDED.failure_ts
         WHERE (${GUARDED_TIMINGS_WHERE}) AND destinations.retry_last_ts = $5 AND destinations.retry_interval = $6`,
        [
          claim.destination,
          next.retryLastTs.toString(),
          next.retryInterval.toString(),
          next.failureTs?.toString() ?? null,
          claim.timings.retryLastTs.toString(),
          claim.timings.retryInterval.toString(),
        ],
      );
      timingsWritten = r.rowCount === 1;
    }

    const ok = result.outcome === "success";
    await c.query(
      `UPDATE destinations SET
         last_attempt_ts = $2, last_outcome = $3, last_error_kind = $4, last_error_message = $5,
         last_success_ts = CASE WHEN $6::boolean THEN $2 ELSE last_success_ts END,
         resolved_address = COALESCE($7, resolved_address),
         server_software = COALESCE($8, server_software), server_version = COALESCE($9, server_version),
         claimed_until = CASE WHEN claimed_by = $10 THEN NULL ELSE claimed_until END,
         claimed_by = CASE WHEN claimed_by = $10 THEN NULL ELSE claimed_by END,
         wake_trigger = CASE WHEN wake_requested_at IS NOT DISTINCT FROM $11::bigint THEN NULL ELSE wake_trigger END,
         wake_requested_at = CASE WHEN wake_requested_at IS NOT DISTINCT FROM $11::bigint THEN NULL ELSE wake_requested_at END
       WHERE destination = $1`,
      [
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
      ],
    );
    // Bounded history: keep the newest historyLimit attempts of this destination.
    await c.query(
      `DELETE FROM attempts WHERE destination = $1 AND id < (
         SELECT id FROM attempts WHERE destination = $1 ORDER BY id DESC OFFSET $2 LIMIT 1)`,
      [claim.destination, o.historyLimit - 1],
    );
    return { timingsWritten, destinationGone: false };
  });
}
