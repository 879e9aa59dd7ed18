// "Forget dead" on the console list: every dead destination (failing longer than
// FEDCONSOLE_DEAD_AFTER) that matches the list's search and status filter, after the admin
// confirmed how many that is. If the number changed between the confirmation and the click
// (another failure crossed the line, someone reset one), nothing is forgotten and the new count
// is shown. One transaction: an audit event per destination with its snapshot, plus one for the
// bulk action carrying the count and the filter.
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import { filterWhere, type ListFilter } from "./list-console-destinations";
import { DEAD_SQL, lockSnapshots, refuseInMirrorMode } from "./forget-destination";
import { IN_NAMES } from "./name-list";
import { type MirrorContext, mirrorContext } from "../upstream/mirror";
import { settings } from "../settings/settings";

/** At most this many per confirmation (each gets its own audit event). */
export const MAX_BULK_FORGET = 5000;

export type BulkForgetOptions = { nowMs?: number; deadAfterMs?: number; mirror?: MirrorContext };

function deadWhere(f: ListFilter, opts: BulkForgetOptions) {
  const now = opts.nowMs ?? Date.now();
  const { where, args } = filterWhere(f, BigInt(now));
  const n = args.length;
  const dead = DEAD_SQL(`$${n + 1}`, `$${n + 2}`);
  return {
    where: where ? `${where} AND ${dead}` : `WHERE ${dead}`,
    args: [...args, now.toString(), String(opts.deadAfterMs ?? settings().deadAfterMs)],
  };
}

/** How many dead destinations match the filter now (for the confirmation). */
export async function countBulkForget(
  pool: pg.Pool,
  actor: Principal,
  f: ListFilter,
  opts: BulkForgetOptions = {},
): Promise<number> {
  requireRole(actor, "admin", "forget destinations");
  refuseInMirrorMode("mirror" in opts ? opts.mirror : mirrorContext());
  const { where, args } = deadWhere(f, opts);
  const r = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM destinations ${where}`, args);
  return r.rows[0].n;
}

export async function bulkForgetDead(
  pool: pg.Pool,
  actor: Principal,
  f: ListFilter,
  confirmedCount: number,
  opts: BulkForgetOptions = {},
): Promise<number> {
  requireRole(actor, "admin", "forget destinations");
  refuseInMirrorMode("mirror" in opts ? opts.mirror : mirrorContext());
  if (confirmedCount > MAX_BULK_FORGET)
    throw new AppError(
      "invalid_param",
      `At most ${MAX_BULK_FORGET} destinations at once; narrow the search or filter and forget them in parts.`,
    );
  const { where, args } = deadWhere(f, opts);
  return withTransaction(pool, async (tx) => {
    const rows = await lockSnapshots(tx, where, args);
    if (rows.length !== confirmedCount)
      throw new AppError(
        "conflict",
        `${rows.length} dead destinations match now, not the ${confirmedCount} you confirmed; nothing was forgotten. Confirm again.`,
      );
    if (rows.length === 0) return 0;
    const names = rows.map((r) => r.destination);
    await tx.query(`DELETE FROM destinations WHERE ${IN_NAMES("$1")}`, [names]);
    for (const snapshot of rows)
      await recordAudit(tx, actor, {
        action: "destination.forget",
        destination: snapshot.destination,
        detail: { snapshot, bulk: true },
      });
    await recordAudit(tx, actor, {
      action: "destination.bulk_forget",
      detail: { count: rows.length, search: f.search || null, status: f.status ?? null },
    });
    return rows.length;
  });
}
