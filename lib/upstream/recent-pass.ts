// The recent-changes pass, every FEDCONSOLE_UPSTREAM_POLL_INTERVAL: destinations whose
// retry_last_ts is at or past the watermark (new or renewed failures) are merged at once, so a
// new failure shows within the poll interval instead of the next full pass. It removes nothing
// and costs the upstream one page when nothing is new. Only passes that found something (or
// failed) are logged; a quiet one only stamps last_recent_ok_at.
import type pg from "pg";
import { mergeDestinations, openMerger } from "./merge-page";
import { refreshRooms } from "./refresh-rooms";
import {
  emptyCounts,
  finishPass,
  markUpstreamFailed,
  markUpstreamOk,
  type PassCounts,
  readState,
  saveCursors,
  startPass,
} from "./sync-state";
import { UpstreamError, type UpstreamSource } from "./types";

export type RecentDeps = {
  pool: pg.Pool;
  source: UpstreamSource;
  roomsConcurrency: number;
  owner: string;
  signal: AbortSignal;
  now?: () => number;
  log?: (m: string) => void;
};

export type RecentResult = { counts: PassCounts; error: string | null };

export async function runRecentPass(d: RecentDeps): Promise<RecentResult> {
  const now = d.now ?? Date.now;
  const counts = emptyCounts();
  const state = await readState(d.pool);
  const startedAt = now();
  try {
    const changes = await d.source.recentFailures(state?.watermark ?? 0n, { headOffset: state?.headOffset }, d.signal);
    counts.requests = changes.requests;
    counts.rowsSeen = changes.rows.length;
    counts.errors = changes.problems.length;
    const merger = await openMerger(d.pool);
    let changedNames: string[] = [];
    try {
      const m = await mergeDestinations(merger, changes.rows, now());
      counts.rowsAdded = m.added;
      counts.rowsChanged = m.changed;
      changedNames = m.changedNames;
    } finally {
      merger.release();
    }
    if (d.source.kind === "api" && changedNames.length) {
      await refreshRooms(
        {
          pool: d.pool,
          source: d.source,
          roomsConcurrency: d.roomsConcurrency,
          roomsPerPass: changedNames.length, // the changed ones only
          signal: d.signal,
        },
        new Set(changedNames),
        async (written, requests) => {
          counts.roomsWritten += written;
          counts.requests += requests;
        },
      );
    }
    await saveCursors(d.pool, { watermark: changes.watermark, headOffset: changes.headOffset });
    if (counts.rowsAdded + counts.rowsChanged + counts.errors > 0) {
      const id = await startPass(d.pool, { kind: "recent", source: d.source.kind, owner: d.owner, nowMs: startedAt });
      const notes = changes.problems.map((p) => `${p.where}: ${p.message}`);
      await finishPass(d.pool, id, {
        status: counts.errors ? "partial" : "ok",
        counts,
        notes,
        error: null,
        nowMs: now(),
      });
    }
    await markUpstreamOk(d.pool, "recent", now());
    return { counts, error: null };
  } catch (e) {
    if (!(e instanceof UpstreamError)) throw e;
    await markUpstreamFailed(d.pool, e.message, now());
    const id = await startPass(d.pool, { kind: "recent", source: d.source.kind, owner: d.owner, nowMs: startedAt });
    await finishPass(d.pool, id, { status: "failed", counts, notes: [], error: e.message, nowMs: now() });
    return { counts, error: e.message };
  }
}
