// "Reset all failing destinations matching this filter": the console's bulk reset. The same
// change as resetConnection (timings cleared, an attempt requested, the scheduler woken) for
// every destination that is backing off and matches the list's search and status filter —
// one transaction, one audit event carrying the count and the filter.
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { withTransaction } from "../db/transaction";
import { clearBackoffAndWake } from "./clear-backoff";
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
  return withTransaction(pool, async (tx) => {
    const count = await clearBackoffAndWake(tx, { where, args }, nowMs);
    await recordAudit(tx, actor, {
      action: "destination.bulk_reset",
      detail: { count: Number(count), search: f.search || null, status: f.status ?? null },
    });
    return { count };
  });
}
