// "Reset all failing destinations matching this filter": the console's bulk reset. The same
// change as resetConnection (timings cleared, an attempt requested, the scheduler woken) for
// every destination that is backing off and matches the list's search and status filter —
// one transaction, one audit event carrying the count and the filter.
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import { WAKE_CHANNEL } from "../federation/wake";
import { filterWhere, type ListFilter } from "./list-console-destinations";

function resettableWhere(f: ListFilter, nowMs: bigint) {
  const { where, args } = filterWhere(f, nowMs);
  // Synapse's rule for a single reset: only a destination with retry_last_ts > 0 needs one.
  return { where: where ? `${where} AND retry_last_ts > 0` : "WHERE retry_last_ts > 0", args };
}

/** How many destinations a bulk reset with this filter would reset now (for the confirmation). */
export async function countBulkReset(
  pool: pg.Pool,
  actor: Principal,
  f: ListFilter,
  nowMs: bigint = BigInt(Date.now()),
): Promise<bigint> {
  requireRole(actor, "operator", "reset connections");
  const { where, args } = resettableWhere(f, nowMs);
  const r = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM destinations ${where}`, args);
  return BigInt(r.rows[0].n);
}

export type BulkResetResult = { count: bigint };

export async function bulkResetConnections(
  pool: pg.Pool,
  actor: Principal,
  f: ListFilter,
  nowMs: bigint = BigInt(Date.now()),
): Promise<BulkResetResult> {
  requireRole(actor, "operator", "reset connections");
  const { where, args } = resettableWhere(f, nowMs);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const n = args.length;
    const r = await client.query(
      `UPDATE destinations SET failure_ts = NULL, retry_last_ts = 0, retry_interval = 0, wake_requested_at = $${n + 1} ${where}`,
      [...args, nowMs.toString()],
    );
    const count = BigInt(r.rowCount ?? 0);
    await client.query(
      `INSERT INTO audit_events (actor, actor_user_id, via, action, destination, detail) VALUES ($1, $2, $3, 'destination.bulk_reset', NULL, $4)`,
      [
        actor.email,
        actor.userId,
        actor.via,
        JSON.stringify({ count: Number(count), search: f.search || null, status: f.status ?? null }),
      ],
    );
    if (count > 0n) await client.query("SELECT pg_notify($1, $2)", [WAKE_CHANNEL, "*"]);
    await client.query("COMMIT");
    return { count };
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
