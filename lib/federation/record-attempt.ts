// Writes one attempt's result: the Attempt row, the new backoff timings (Synapse's guarded
// upsert, applied only if nobody changed the timings since the claim — a reset during the
// attempt wins), what operators want to see on the destination, and the claim's release.
// One transaction: the history and the state never disagree.
import type pg from "pg";
import { withTransaction } from "../db/transaction";
import { GUARDED_TIMINGS_WHERE, nextTimings, type BackoffConfig } from "./backoff";
import type { Claim } from "./claim-due";
import type { AttemptResult } from "./attempt-result";

export type RecordOptions = {
  nowMs: number;
  owner: string;
  backoff: BackoffConfig;
  historyLimit: number;
  random?: () => number;
};

export type RecordOutcome = { timingsWritten: boolean; destinationGone: boolean };

export async function recordAttempt(
  pool: pg.Pool,
  claim: Claim,
  result: AttemptResult,
  o: RecordOptions,
): Promise<RecordOutcome> {
  return withTransaction(pool, async (c) => {
    const exists = await c.query("SELECT 1 FROM destinations WHERE destination = $1 FOR UPDATE", [claim.destination]);
    // Forgotten meanwhile: nothing to record against.
    if (exists.rowCount === 0) return { timingsWritten: false, destinationGone: true };
    const startedTs = o.nowMs - result.durationMs;
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

    let timingsWritten = false;
    const next = nextTimings(claim.timings, result.outcome, BigInt(o.nowMs), o.backoff, o.random);
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
