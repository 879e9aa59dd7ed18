// GET /_fedconsole/v1/overview: the overview's counts for scripts, as the page shows them (the
// latest history snapshot; `snapshot_ts` null before the first).
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import type { JsonValue } from "../http/json";
import { FAILURE_CATEGORIES, countByCategory } from "./failure-categories";
import { latestPoint } from "./latest-point";

export async function overviewJson(pool: pg.Pool, actor: Principal): Promise<JsonValue> {
  requireRole(actor, "viewer", "view the overview");
  const [p, known] = await Promise.all([
    latestPoint(pool),
    pool.query<{ n: string }>("SELECT n::text FROM destination_count"),
  ]);
  const byReason = Object.fromEntries(FAILURE_CATEGORIES.map((c) => [c, 0]));
  for (const { category, count } of countByCategory(p?.failingKinds ?? {})) byReason[category] = count;
  return {
    total: BigInt(known.rows[0]?.n ?? "0"),
    snapshot_ts: p?.ts ?? null,
    by_status: p ? p.byStatus : null,
    failing: p ? Object.values(p.failingKinds).reduce((a, b) => a + b, 0) : null,
    failing_by_reason: p ? byReason : null,
    due_now: p?.dueNow ?? null,
  };
}
