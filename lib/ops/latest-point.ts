// The newest history point (the overview's counts and /metrics' destination gauges): the newest
// time from the primary key alone, then that row by key — never a sort of the series, however
// its rows lie on disk; null before the first snapshot.
import type { Queryable } from "../db/transaction";
import { STATUS_KINDS, type StatusKind } from "../destinations/destination-status";

export type LatestPoint = {
  ts: number;
  total: number;
  byStatus: Record<StatusKind, number>;
  dueNow: number;
  failingKinds: Record<string, number>;
  /** How long the snapshot's counting took. */
  takenMs: number;
};

export async function latestPoint(db: Queryable): Promise<LatestPoint | null> {
  const r = await db.query<Record<string, string> & { failing_kinds: Record<string, number>; taken_ms: number }>({
    name: "ops-latest-point",
    text: `SELECT ts::text, total::text, due_now::text, failing_kinds, taken_ms, ${STATUS_KINDS.map((k) => `${k}::text`).join(", ")}
     FROM ops_points
     WHERE resolution = 'minute' AND ts = (SELECT max(ts) FROM ops_points WHERE resolution = 'minute')`,
  });
  const p = r.rows[0];
  if (!p) return null;
  return {
    ts: Number(p.ts),
    total: Number(p.total),
    byStatus: Object.fromEntries(STATUS_KINDS.map((k) => [k, Number(p[k])])) as Record<StatusKind, number>,
    dueNow: Number(p.due_now),
    failingKinds: p.failing_kinds,
    takenMs: p.taken_ms,
  };
}
