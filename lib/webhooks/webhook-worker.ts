// The alert webhooks' loop inside the scheduler process (lib/federation/run-scheduler.ts):
// every FEDCONSOLE_WEBHOOK_POLL_INTERVAL it groups queued transitions into events
// (group-alerts.ts), every few rounds it looks for what no attempt announces (evaluate-alerts.ts),
// and it delivers what is due (deliver.ts). Several processes may run it on one database.
import crypto from "node:crypto";
import os from "node:os";
import type pg from "pg";
import { isDatabaseDown } from "../db/errors";
import type { AlertConfig } from "./alert-config";
import { claimDeliveries, deliverOne } from "./deliver";
import { evaluateAlerts } from "./evaluate-alerts";
import { groupAlerts } from "./group-alerts";
import type { PayloadContext } from "./payload";
import type { PostOptions } from "./post-webhook";
import { webhookKey } from "./secret-box";

/** Deliveries in flight at once per process. */
const CONCURRENCY = 8;
/** Evaluate (late downs, dead, sync) once every this many rounds. */
const EVALUATE_EVERY = 5;
/** Events (with their deliveries and tries) are kept this long once nothing is pending. */
export const EVENT_RETENTION_MS = 30 * 86_400_000;

export type WebhookWorkerDeps = {
  pool: pg.Pool;
  alerts: AlertConfig;
  pollIntervalMs: number;
  retryBaseMs: number;
  retryForMs: number;
  post: PostOptions;
  payload: PayloadContext;
  log?: (m: string) => void;
  now?: () => number;
};

export type WebhookWorker = { readonly owner: string; stop(): Promise<void> };

export function startWebhookWorker(d: WebhookWorkerDeps): WebhookWorker {
  const log = d.log ?? (() => {});
  const now = d.now ?? Date.now;
  const owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
  const leaseMs = d.post.timeoutMs * 2 + 30_000;
  let stopped = false;
  let wake: (() => void) | undefined;
  let round = 0;
  let failing = false;

  async function once(): Promise<void> {
    if (round % EVALUATE_EVERY === 0) await evaluateAlerts(d.pool, now(), d.alerts);
    if (round % 600 === 0) {
      await d.pool.query(
        `DELETE FROM webhook_events e WHERE created_at < $1
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries w WHERE w.event_id = e.id AND w.status = 'pending')`,
        [now() - EVENT_RETENTION_MS],
      );
    }
    round++;
    await groupAlerts(d.pool, now(), d.alerts, d.payload);
    for (;;) {
      const claims = await claimDeliveries(d.pool, { limit: CONCURRENCY, nowMs: now(), leaseMs, owner });
      if (claims.length === 0) return;
      const key = await webhookKey(d.pool);
      await Promise.all(
        claims.map((c) =>
          deliverOne(d.pool, key, c, { ...d, leaseMs, owner, now }).catch((e: unknown) => {
            log(`webhook delivery ${c.id} could not be recorded: ${e instanceof Error ? e.message : String(e)}`);
          }),
        ),
      );
      if (claims.length < CONCURRENCY || stopped) return;
    }
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        await once();
        if (failing) log("webhooks: database reachable again");
        failing = false;
      } catch (e) {
        if (!failing || !isDatabaseDown(e)) log(`webhooks: ${e instanceof Error ? e.message : String(e)}`);
        failing = true;
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, d.pollIntervalMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = undefined;
    }
  })();

  log(`webhook deliveries started (${owner})`);
  return {
    owner,
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
