// POST /destinations/<d>/reset_connection and the console's reset button.
import type pg from "pg";
import { AppError } from "../errors";
import { type Principal, requireRole } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { withTransaction } from "../db/transaction";
import { clearBackoffAndWake } from "./clear-backoff";
import { assertStorableName } from "./get-destination";

export const RESET_NOT_NEEDED = "The retry timing does not need to be reset for this destination.";

/**
 * Clears the destination's backoff, records who did it, and wakes the scheduler — all in one
 * transaction: an acknowledged reset is never lost and never unaudited.
 */
export async function resetConnection(pool: pg.Pool, actor: Principal, destination: string): Promise<void> {
  requireRole(actor, "operator", "reset connections");
  assertStorableName(destination);
  await withTransaction(pool, async (tx) => {
    const r = await tx.query<{ retry_last_ts: string; retry_interval: string; failure_ts: string | null }>(
      "SELECT retry_last_ts, retry_interval, failure_ts FROM destinations WHERE destination = $1 FOR UPDATE",
      [destination],
    );
    if (r.rowCount === 0) throw new AppError("not_found", "Unknown destination");
    const before = r.rows[0];
    if (before.retry_last_ts === "0") throw new AppError("bad_request", RESET_NOT_NEEDED);
    await clearBackoffAndWake(tx, { destination }, Date.now());
    await recordAudit(tx, actor, { action: "destination.reset", destination, detail: before });
  });
}
