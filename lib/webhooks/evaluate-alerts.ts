// The alerts that no attempt announces, found by the scheduler process's periodic pass: a
// damped down that outlasted FEDCONSOLE_ALERT_MIN_GAP, a destination failing for longer than
// FEDCONSOLE_DEAD_AFTER, an upstream sync failing for longer than
// FEDCONSOLE_ALERT_SYNC_FAILING_AFTER. Each is one statement that flips a mark and queues the
// transition together (a CTE): with several scheduler processes running it at once, the row
// lock and PostgreSQL's re-check of the WHERE after it let exactly one of them queue it.
import type { Queryable } from "../db/transaction";
import type { AlertConfig } from "./alert-config";

export type EvaluateCounts = { lateDowns: number; dead: number; syncFailing: number };

export async function evaluateAlerts(db: Queryable, nowMs: number, cfg: AlertConfig): Promise<EvaluateCounts> {
  const late = await db.query(
    `WITH a AS (
       UPDATE alert_states SET down_announced = true, last_down_alert_at = $1
       WHERE state = 'down' AND NOT down_announced AND (last_down_alert_at IS NULL OR last_down_alert_at <= $1 - $2::bigint)
       RETURNING destination, failing_since, consecutive_failures, last_reason, last_message)
     INSERT INTO alert_pending (kind, destination, at, detail)
     SELECT 'down', destination, $1, jsonb_build_object('reason', last_reason, 'message', last_message,
              'failing_since', failing_since, 'failures', consecutive_failures, 'damped', true)
     FROM a`,
    [nowMs, cfg.minGapMs],
  );
  const dead = await db.query(
    `WITH a AS (
       UPDATE alert_states SET dead_announced = true
       WHERE state <> 'up' AND NOT dead_announced AND failing_since <= $1 - $2::bigint
       RETURNING destination, failing_since, consecutive_failures, last_reason, last_message)
     INSERT INTO alert_pending (kind, destination, at, detail)
     SELECT 'dead', destination, $1, jsonb_build_object('reason', last_reason, 'message', last_message,
              'failing_since', failing_since, 'failures', consecutive_failures)
     FROM a`,
    [nowMs, cfg.deadAfterMs],
  );
  // Mirror mode's sync state (lib/upstream/sync-state.ts): one announcement per outage, the
  // outage named by its failing_since.
  const sync = await db.query(
    `WITH s AS (
       SELECT failing_since, last_error FROM upstream_state WHERE id AND failing_since IS NOT NULL AND failing_since <= $1 - $2::bigint),
     m AS (
       INSERT INTO alert_marks (key, value) SELECT 'sync_failing', failing_since FROM s
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value WHERE alert_marks.value <> EXCLUDED.value
       RETURNING value)
     INSERT INTO alert_pending (kind, destination, at, detail)
     SELECT 'sync_failing', NULL, $1, jsonb_build_object('failing_since', s.failing_since, 'message', s.last_error)
     FROM s JOIN m ON m.value = s.failing_since`,
    [nowMs, cfg.syncFailingAfterMs],
  );
  return { lateDowns: late.rowCount ?? 0, dead: dead.rowCount ?? 0, syncFailing: sync.rowCount ?? 0 };
}
