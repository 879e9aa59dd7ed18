// POST /destinations/<d>/reset_connection and the console's reset button.
import type pg from "pg";
import { AppError } from "../errors";
import { type Principal, requireRole } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { withTransaction } from "../db/transaction";
import { clearBackoffAndWake } from "./clear-backoff";
import { assertStorableName } from "./get-destination";
import { type MirrorContext, mirrorContext } from "../upstream/mirror";
import { recordRelayedReset, relayToUpstream } from "../upstream/relay-reset";

export const RESET_NOT_NEEDED = "The retry timing does not need to be reset for this destination.";

/**
 * Clears the destination's backoff, records who did it, and wakes the scheduler — all in one
 * transaction: an acknowledged reset is never lost and never unaudited. In mirror mode the
 * homeserver resets it first (lib/upstream/relay-reset.ts).
 */
export async function resetConnection(
  pool: pg.Pool,
  actor: Principal,
  destination: string,
  mirror: MirrorContext | undefined = mirrorContext(),
): Promise<void> {
  requireRole(actor, "operator", "reset connections");
  assertStorableName(destination);
  if (mirror) {
    await relayToUpstream(mirror.admin, destination, mirror.timeoutMs);
    await recordRelayedReset(pool, actor, destination);
    return;
  }
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
