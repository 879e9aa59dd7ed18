// The change a reset makes, shared by the single reset and the console's bulk reset: the
// backoff timings cleared as Synapse's admin reset_connection does (synapse/rest/admin/federation.py:
// failure_ts NULL, retry_last_ts 0, retry_interval 0), an attempt requested, the scheduler woken.
import type { Tx } from "../db/transaction";
import { WAKE_CHANNEL } from "../federation/wake";
import { notifyChanged } from "../live/announce";

/** One destination by name, or every destination a WHERE clause (with its $1… args) selects. */
export type BackoffTarget = { destination: string } | { where: string; args: unknown[] };

/**
 * Inside `tx`: clears the target's timings and sets wake_requested_at, which makes the
 * scheduler attempt it now even if no process hears the NOTIFY; then NOTIFYs WAKE_CHANNEL
 * (delivered at COMMIT) with the destination's name, or "*" for a WHERE clause, when
 * anything changed; open console pages hear of it at the same COMMIT (lib/live/announce.ts).
 * Returns how many destinations changed.
 */
export async function clearBackoffAndWake(tx: Tx, target: BackoffTarget, nowMs: bigint | number): Promise<bigint> {
  const { where, args, wake } =
    "destination" in target
      ? { where: "WHERE destination = $1", args: [target.destination], wake: target.destination }
      : { ...target, wake: "*" };
  const r = await tx.query(
    `UPDATE destinations SET failure_ts = NULL, retry_last_ts = 0, retry_interval = 0, wake_requested_at = $${args.length + 1},
       wake_trigger = 'reset' ${where}`,
    [...args, nowMs.toString()],
  );
  const count = BigInt(r.rowCount ?? 0);
  if (count > 0n) {
    await tx.query("SELECT pg_notify($1, $2)", [WAKE_CHANNEL, wake]);
    await notifyChanged(tx, "destination" in target ? [target.destination] : "*");
  }
  return count;
}
