// Alert detection where attempts are recorded: called inside record-attempt.ts's transaction
// (the destination row is locked FOR UPDATE there), it moves the destination's alert state and
// queues a transition in alert_pending. State and queue commit with the attempt or not at all,
// and record-attempt.ts never records one attempt twice, so no transition is lost or doubled,
// whichever of several schedulers made the attempt.
//
// up --(FEDCONSOLE_ALERT_DOWN_AFTER failures in a row)--> down --(a success)--> up
// A destination first seen already backing off is "failing": never announced down (it did not
// go down under our watch), so its recovery is silent too; it can still turn dead.
// Flap damping: a down within FEDCONSOLE_ALERT_MIN_GAP of the last announced one is kept quiet
// (down_announced false) and so is its recovery; evaluate-alerts.ts announces it late if it
// lasts past the gap.
import type { Queryable } from "../db/transaction";
import type { Timings } from "../federation/backoff";
import type { AttemptResult } from "../federation/attempt-result";
import type { AlertConfig } from "./alert-config";
import { prepared } from "../db/prepared";

type StateRow = {
  state: "up" | "down" | "failing";
  consecutive_failures: number;
  failing_since: string | null;
  down_announced: boolean;
  dead_announced: boolean;
  last_reason: string | null;
  last_message: string | null;
  last_down_alert_at: string | null;
  cert_announced_not_after: string | null;
};

export type AttemptForAlerts = Pick<AttemptResult, "outcome" | "reason" | "message" | "stage" | "httpStatus"> & {
  /** notAfter (ms) of the certificate the remote presented, when the attempt saw one. */
  certNotAfterMs?: number | null;
};

export async function noteAttemptForAlerts(
  tx: Queryable,
  destination: string,
  claimed: Timings,
  result: AttemptForAlerts,
  nowMs: number,
  cfg: AlertConfig,
): Promise<void> {
  if (result.certNotAfterMs != null) await noteCertificate(tx, destination, result.certNotAfterMs, nowMs, cfg);
  if (result.outcome === "neutral") return; // the server answered: no change either way
  const r = await tx.query<StateRow>(
    prepared(
      "fc_alert_state",
      `SELECT state, consecutive_failures, failing_since::text, down_announced, dead_announced, last_reason, last_message,
              last_down_alert_at::text, cert_announced_not_after::text
       FROM alert_states WHERE destination = $1`,
      [destination],
    ),
  );
  const row = r.rows[0];
  const failed = result.outcome === "failure";
  if (!row) {
    // First sight: healthy by Synapse's timings (retry_last_ts 0) is up, anything else failing.
    const up = claimed.retryLastTs === 0n;
    const failingSince = up ? (failed ? nowMs : null) : Number(claimed.failureTs ?? BigInt(nowMs));
    await tx.query(
      `INSERT INTO alert_states (destination, state, consecutive_failures, failing_since, last_reason, last_message)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        destination,
        up || !failed ? "up" : "failing",
        failed ? 1 : 0,
        failed ? failingSince : null,
        result.reason,
        result.message,
      ],
    );
    if (failed && up && cfg.downAfter <= 1) await goDown(tx, destination, null, nowMs, cfg, result, nowMs, 1);
    return;
  }
  if (!failed) {
    // Up and clean already (most successes): nothing to write.
    const clean =
      row.state === "up" &&
      row.consecutive_failures === 0 &&
      row.failing_since === null &&
      !row.down_announced &&
      !row.dead_announced &&
      row.last_reason === null &&
      row.last_message === null;
    if (clean) return;
    if (row.state === "down" && row.down_announced) {
      await queue(tx, "recovered", destination, nowMs, {
        failing_since: row.failing_since === null ? null : Number(row.failing_since),
        failures: row.consecutive_failures,
      });
    }
    await tx.query(
      `UPDATE alert_states SET state = 'up', consecutive_failures = 0, failing_since = NULL, down_announced = false,
         dead_announced = false, last_reason = NULL, last_message = NULL WHERE destination = $1`,
      [destination],
    );
    return;
  }
  const failures = row.consecutive_failures + 1;
  const failingSince = row.failing_since === null ? nowMs : Number(row.failing_since);
  await tx.query(
    `UPDATE alert_states SET consecutive_failures = $2, failing_since = $3, last_reason = $4, last_message = $5
     WHERE destination = $1`,
    [destination, failures, failingSince, result.reason, result.message],
  );
  if (row.state === "up" && failures >= cfg.downAfter) {
    const last = row.last_down_alert_at === null ? null : Number(row.last_down_alert_at);
    await goDown(tx, destination, last, nowMs, cfg, result, failingSince, failures);
  }
}

async function goDown(
  tx: Queryable,
  destination: string,
  lastDownAlertAt: number | null,
  nowMs: number,
  cfg: AlertConfig,
  result: AttemptForAlerts,
  failingSince: number,
  failures: number,
): Promise<void> {
  const announce = lastDownAlertAt === null || nowMs - lastDownAlertAt >= cfg.minGapMs;
  await tx.query(
    `UPDATE alert_states SET state = 'down', dead_announced = false, down_announced = $2,
       last_down_alert_at = CASE WHEN $2 THEN $3::bigint ELSE last_down_alert_at END
     WHERE destination = $1`,
    [destination, announce, nowMs],
  );
  if (announce) {
    await queue(tx, "down", destination, nowMs, {
      reason: result.reason,
      message: result.message,
      stage: result.stage,
      http_status: result.httpStatus,
      failing_since: failingSince,
      failures,
    });
  }
}

/**
 * A certificate seen to expire within FEDCONSOLE_ALERT_CERT_WARNING: queued once per
 * certificate (its notAfter). Exported for other observers of certificates (checks).
 */
export async function noteCertificate(
  tx: Queryable,
  destination: string,
  notAfterMs: number,
  nowMs: number,
  cfg: Pick<AlertConfig, "certWarningMs">,
): Promise<void> {
  if (notAfterMs - nowMs > cfg.certWarningMs) return;
  const r = await tx.query(
    `INSERT INTO alert_states (destination, state, cert_announced_not_after) VALUES ($1, 'up', $2)
     ON CONFLICT (destination) DO UPDATE SET cert_announced_not_after = EXCLUDED.cert_announced_not_after
       WHERE alert_states.cert_announced_not_after IS DISTINCT FROM EXCLUDED.cert_announced_not_after
     RETURNING 1`,
    [destination, notAfterMs],
  );
  if (r.rowCount) await queue(tx, "cert_expiring", destination, nowMs, { not_after: notAfterMs });
}

export async function queue(
  tx: Queryable,
  kind: string,
  destination: string | null,
  at: number,
  detail: Record<string, unknown>,
): Promise<void> {
  await tx.query("INSERT INTO alert_pending (kind, destination, at, detail) VALUES ($1, $2, $3, $4::jsonb)", [
    kind,
    destination,
    at,
    JSON.stringify(detail),
  ]);
}
