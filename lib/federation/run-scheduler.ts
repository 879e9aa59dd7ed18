// Starts the retry scheduler with this process's settings: real attempts
// (attempt-connection.ts) against due destinations of this database.
import type { Db } from "../db";
import { settings } from "../settings/settings";
import { attemptConnection, attemptOptionsFrom } from "./attempt-connection";
import { startScheduler, type SchedulerHandle } from "./scheduler";
import { mirrorContext } from "../upstream/mirror";
import { startUpstreamSync } from "../upstream/syncer";
import { startSnapshotter } from "../ops/snapshotter";

/**
 * Standalone: the retry scheduler. Mirror mode: the same scheduler as a prober (asked-for
 * attempts only, the homeserver's timings never written) plus the upstream sync.
 */
export function runScheduler(db: Db, log: (m: string) => void): SchedulerHandle {
  const s = settings();
  const attemptOptions = attemptOptionsFrom(s.attempts);
  const mirror = mirrorContext();
  const started = startScheduler({
    pool: db.pool,
    databaseUrl: db.url,
    config: s.scheduler,
    probeOnly: mirror !== undefined,
    attemptTimeoutMs: attemptOptions.timeoutMs,
    attempt: (destination, signal, trigger) =>
      attemptConnection(destination, { ...attemptOptions, signal, refreshCache: trigger !== "schedule" }),
    log,
  });
  // The overview's history: one point per interval across all schedulers (lib/ops/take-snapshot.ts).
  const snapshots = startSnapshotter({
    pool: db.pool,
    intervalMs: s.ops.snapshotIntervalMs,
    healthIntervalMs: s.scheduler.healthIntervalMs,
    probeOnly: mirror !== undefined,
    log,
  });
  const scheduler: SchedulerHandle = {
    ...started,
    stop: async (graceMs?: number) => {
      await Promise.all([started.stop(graceMs), snapshots.stop()]);
    },
  };
  if (!mirror || !s.upstream) return scheduler;
  log(`mirror mode: mirroring ${mirror.label} (${mirror.kind === "api" ? "admin API" : "database"})`);
  const sync = startUpstreamSync({
    pool: db.pool,
    databaseUrl: db.url,
    source: mirror.source(),
    upstream: s.upstream,
    log,
  });
  return {
    ...scheduler,
    owner: scheduler.owner,
    inFlight: () => scheduler.inFlight(),
    poke: () => scheduler.poke(),
    stop: async (graceMs?: number) => {
      await Promise.all([scheduler.stop(graceMs), sync.stop()]);
    },
  };
}
