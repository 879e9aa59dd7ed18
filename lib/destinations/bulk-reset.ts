// "Reset all failing destinations matching this filter": the console's bulk reset. The same
// change as resetConnection (timings cleared, an attempt requested, the scheduler woken) for
// every destination that is backing off and matches the list's search and status filter —
// one transaction, one audit event carrying the count and the filter.
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { withTransaction } from "../db/transaction";
import { clearBackoffAndWake } from "./clear-backoff";
import { IN_NAMES } from "./name-list";
import { filterWhere, type ListFilter } from "./list-console-destinations";
import { type MirrorContext, mirrorContext } from "../upstream/mirror";
import { relayToUpstream } from "../upstream/relay-reset";
import { mapLimit } from "../util/map-limit";

/** Relays in flight at once (the homeserver's admin API is not built for bursts). */
const RELAY_CONCURRENCY = 4;

/**
 * Mirror mode: each matching destination is reset on the homeserver first (bounded
 * concurrency); those it accepted are cleared here in one transaction with one audit event that
 * counts both.
 */
async function relayBulkReset(
  pool: pg.Pool,
  actor: Principal,
  f: ListFilter,
  sel: { where: string; args: unknown[] },
  mirror: MirrorContext,
): Promise<BulkResetResult> {
  const names = (
    await pool.query<{ destination: string }>(`SELECT destination FROM destinations ${sel.where}`, sel.args)
  ).rows.map((r) => r.destination);
  const errors: string[] = [];
  const accepted: string[] = [];
  await mapLimit(names, RELAY_CONCURRENCY, async (name) => {
    try {
      await relayToUpstream(mirror.admin, name, mirror.timeoutMs);
      accepted.push(name);
    } catch (e) {
      if (errors.length < 5) errors.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  const relayed = { requested: names.length, failed: names.length - accepted.length, errors };
  return withTransaction(pool, async (tx) => {
    const count = accepted.length
      ? await clearBackoffAndWake(tx, { where: `WHERE ${IN_NAMES("$1")}`, args: [accepted] }, Date.now())
      : 0n;
    await recordAudit(tx, actor, {
      action: "destination.bulk_reset",
      detail: { count: Number(count), search: f.search || null, status: f.status ?? null, relayed },
    });
    return { count, relayed };
  });
}

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

export type BulkResetResult = {
  /** Destinations reset (in mirror mode: those the homeserver accepted). */
  count: bigint;
  /** Mirror mode: how many were relayed, how many the homeserver refused, and the first reasons. */
  relayed?: { requested: number; failed: number; errors: string[] };
};

export async function bulkResetConnections(
  pool: pg.Pool,
  actor: Principal,
  f: ListFilter,
  nowMs: bigint = BigInt(Date.now()),
  mirror: MirrorContext | undefined = mirrorContext(),
): Promise<BulkResetResult> {
  requireRole(actor, "operator", "reset connections");
  const { where, args } = resettableWhere(f, nowMs);
  if (mirror) return relayBulkReset(pool, actor, f, { where, args }, mirror);
  return withTransaction(pool, async (tx) => {
    const count = await clearBackoffAndWake(tx, { where, args }, nowMs);
    await recordAudit(tx, actor, {
      action: "destination.bulk_reset",
      detail: { count: Number(count), search: f.search || null, status: f.status ?? null },
    });
    return { count };
  });
}
