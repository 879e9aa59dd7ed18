// The gauges that come from the database, refreshed at each scrape so that every instance
// answers the same: destinations by status and by failure reason, due now (the latest history
// snapshot: a primary-key read, never a count over the table), the exact total (the
// destination_count row), the claims held (the partial index on claimed_until), and in mirror
// mode the sync's latest passes.
import type pg from "pg";
import { STATUS_KINDS } from "../destinations/destination-status";
import { countByCategory } from "../ops/failure-categories";
import { latestPoint } from "../ops/latest-point";
import type { MirrorContext } from "../upstream/mirror";
import { getSyncStatus } from "../upstream/sync-status";
import { metrics } from "./registry";

export async function refreshDatabaseGauges(pool: pg.Pool, mirror: MirrorContext | undefined, nowMs: number) {
  const m = metrics();
  const [point, counts, sync] = await Promise.all([
    latestPoint(pool),
    pool.query<{ known: string; claimed: string }>({
      name: "metrics-counts",
      text: `SELECT (SELECT n FROM destination_count)::text AS known,
              (SELECT count(*) FROM destinations WHERE claimed_until IS NOT NULL AND claimed_until > $1)::text AS claimed`,
      values: [nowMs],
    }),
    mirror ? getSyncStatus(pool, mirror, { passes: 20, nowMs }) : null,
  ]);
  m.destinationsKnown.set(Number(counts.rows[0]?.known ?? 0));
  m.claimsHeld.set(Number(counts.rows[0].claimed));
  m.destinations.reset();
  m.failing.reset();
  m.dueNow.reset();
  m.snapshotTime.reset();
  if (point) {
    for (const k of STATUS_KINDS) m.destinations.set({ status: k }, point.byStatus[k]);
    for (const { category, count } of countByCategory(point.failingKinds)) m.failing.set({ reason: category }, count);
    m.dueNow.set(point.dueNow);
    m.snapshotTime.set(point.ts / 1000);
  }
  m.syncLastSuccess.reset();
  m.syncDuration.reset();
  m.syncRowsChanged.reset();
  if (sync?.mode === "mirror") {
    if (sync.lastSyncOkAt !== null) m.syncLastSuccess.set(sync.lastSyncOkAt / 1000);
    for (const kind of ["full", "recent"] as const) {
      const p = sync.recent.find((x) => x.kind === kind && x.finishedAt !== null && x.status !== "failed");
      if (!p || p.finishedAt === null) continue;
      m.syncDuration.set({ kind }, (p.finishedAt - p.startedAt) / 1000);
      m.syncRowsChanged.set({ kind }, p.rowsAdded + p.rowsChanged + p.rowsRemoved);
    }
  }
}
