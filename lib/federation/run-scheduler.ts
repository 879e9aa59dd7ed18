// Starts the retry scheduler with this process's settings: real attempts
// (attempt-connection.ts) against due destinations of this database.
import type { Db } from "../db";
import { settings } from "../settings/settings";
import { attemptConnection, attemptOptionsFrom } from "./attempt-connection";
import { startScheduler, type SchedulerHandle } from "./scheduler";
import { mirrorContext } from "../upstream/mirror";
import { startUpstreamSync } from "../upstream/syncer";
import { startSnapshotter } from "../ops/snapshotter";
import { noteAttemptForAlerts } from "../webhooks/note-attempt";
import { webhookIpGuard } from "../webhooks/post-webhook";
import { startWebhookWorker } from "../webhooks/webhook-worker";

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
    // Alert detection in the attempt's own transaction (lib/webhooks/note-attempt.ts).
    afterRecord: (tx, claim, result, nowMs) =>
      noteAttemptForAlerts(tx, claim.destination, claim.timings, result, nowMs, s.webhooks),
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
  const webhooks = startWebhookWorker({
    pool: db.pool,
    alerts: s.webhooks,
    pollIntervalMs: s.webhooks.pollIntervalMs,
    retryBaseMs: s.webhooks.retryBaseMs,
    retryForMs: s.webhooks.retryForMs,
    post: { ipGuard: webhookIpGuard(s.attempts, s.webhooks), timeoutMs: s.webhooks.timeoutMs, ca: s.attempts.ca },
    payload: { publicUrl: s.publicUrl, serverName: s.serverName },
    log,
  });
  // One handle: stopping it stops the scheduler, the snapshots, the webhook worker and the sync.
  const withOthers = (stopOthers: () => Promise<void>): SchedulerHandle => ({
    owner: started.owner,
    inFlight: () => started.inFlight(),
    poke: () => started.poke(),
    stop: async (graceMs?: number) => {
      await Promise.all([started.stop(graceMs), snapshots.stop(), webhooks.stop(), stopOthers()]);
    },
  });
  if (!mirror || !s.upstream) return withOthers(async () => {});
  log(`mirror mode: mirroring ${mirror.label} (${mirror.kind === "api" ? "admin API" : "database"})`);
  const sync = startUpstreamSync({
    pool: db.pool,
    databaseUrl: db.url,
    source: mirror.source(),
    upstream: s.upstream,
    log,
  });
  return withOthers(() => sync.stop());
}
