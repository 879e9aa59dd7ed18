// POST /destinations/<d>/reset_connection and the console's reset button.
import type pg from "pg";
import { AppError } from "../errors";
import { type Principal, requireRole } from "../auth/principal";
import { WAKE_CHANNEL } from "../federation/wake";
import { assertStorableName } from "./get-destination";

export const RESET_NOT_NEEDED = "The retry timing does not need to be reset for this destination.";

/**
 * Clears the destination's backoff, records who did it, and wakes the scheduler — all in one
 * transaction: an acknowledged reset is never lost and never unaudited.
 */
export async function resetConnection(pool: pg.Pool, actor: Principal, destination: string): Promise<void> {
  requireRole(actor, "operator", "reset connections");
  assertStorableName(destination);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const r = await client.query<{ retry_last_ts: string; retry_interval: string; failure_ts: string | null }>(
      "SELECT retry_last_ts, retry_interval, failure_ts FROM destinations WHERE destination = $1 FOR UPDATE",
      [destination],
    );
    if (r.rowCount === 0) throw new AppError("not_found", "Unknown destination");
    const before = r.rows[0];
    if (before.retry_last_ts === "0") throw new AppError("bad_request", RESET_NOT_NEEDED);
    // wake_requested_at makes the scheduler attempt it now even if no process hears the NOTIFY.
    await client.query(
      "UPDATE destinations SET failure_ts = NULL, retry_last_ts = 0, retry_interval = 0, wake_requested_at = $2 WHERE destination = $1",
      [destination, Date.now()],
    );
    await client.query(
      `INSERT INTO audit_events (actor, actor_user_id, via, action, destination, detail) VALUES ($1, $2, $3, 'destination.reset', $4, $5)`,
      [actor.email, actor.userId, actor.via, destination, JSON.stringify(before)],
    );
    await client.query("SELECT pg_notify($1, $2)", [WAKE_CHANNEL, destination]);
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
