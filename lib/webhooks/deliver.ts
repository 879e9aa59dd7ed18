// The outbox's consumer: claims due deliveries (FOR UPDATE SKIP LOCKED with a lease, as
// lib/federation/claim-due.ts claims destinations, so several scheduler processes never take
// the same one), POSTs each signed, and records the try. A failed try is retried after
// FEDCONSOLE_WEBHOOK_RETRY_BASE, doubling, until FEDCONSOLE_WEBHOOK_RETRY_FOR has passed since
// the delivery was queued; then it is recorded as failed. A process that dies mid-POST leaves
// its claim to expire, and the delivery is tried again: receivers may see an event twice only
// then, and can tell by its `id` (README).
import type pg from "pg";
import { countWebhookDelivery } from "../metrics/observe";
import { withTransaction } from "../db/transaction";
import { postWebhook, type PostOptions, type PostResult } from "./post-webhook";
import { open } from "./secret-box";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature } from "./sign";

/** Tries kept per endpoint (the console shows the newest). */
export const TRIES_KEPT = 500;

export type DeliveryConfig = { retryBaseMs: number; retryForMs: number; leaseMs: number };

export type ClaimedDelivery = {
  id: string;
  eventId: string;
  endpointId: string;
  tries: number;
  createdAt: number;
  kind: string;
  body: string;
  url: string;
  secretBox: string;
  enabled: boolean;
};

type ClaimRow = {
  id: string;
  event_id: string;
  endpoint_id: string;
  tries: number;
  created_at: string;
  kind: string;
  body: string;
  url: string;
  secret_box: string;
  enabled: boolean;
};

export async function claimDeliveries(
  pool: pg.Pool,
  o: { limit: number; nowMs: number; leaseMs: number; owner: string },
): Promise<ClaimedDelivery[]> {
  const r = await pool.query<ClaimRow>(
    `WITH c AS (
       UPDATE webhook_deliveries d SET claimed_until = $2, claimed_by = $3
       FROM (SELECT id FROM webhook_deliveries
             WHERE status = 'pending' AND next_try_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1)
             ORDER BY next_try_at LIMIT $4 FOR UPDATE SKIP LOCKED) due
       WHERE d.id = due.id
       RETURNING d.id, d.event_id, d.endpoint_id, d.tries, d.created_at)
     SELECT c.id::text, c.event_id::text, c.endpoint_id::text, c.tries, c.created_at::text, e.kind, e.body,
            w.url, w.secret_box, w.enabled
     FROM c JOIN webhook_events e ON e.id = c.event_id JOIN webhook_endpoints w ON w.id = c.endpoint_id`,
    [o.nowMs, o.nowMs + o.leaseMs, o.owner, o.limit],
  );
  return r.rows.map((x) => ({
    id: x.id,
    eventId: x.event_id,
    endpointId: x.endpoint_id,
    tries: x.tries,
    createdAt: Number(x.created_at),
    kind: x.kind,
    body: x.body,
    url: x.url,
    secretBox: x.secret_box,
    enabled: x.enabled,
  }));
}

/** The headers of one try: the signature is made anew for each (its timestamp changes). */
export function deliveryHeaders(
  secret: string,
  d: { id: string; kind: string; body: string },
  nowMs: number,
): Record<string, string> {
  const ts = Math.floor(nowMs / 1000);
  return {
    [TIMESTAMP_HEADER]: String(ts),
    [SIGNATURE_HEADER]: signature(secret, ts, d.body),
    [EVENT_HEADER]: d.kind,
    [DELIVERY_HEADER]: d.id,
  };
}

export async function deliverOne(
  pool: pg.Pool,
  key: Buffer,
  d: ClaimedDelivery,
  o: DeliveryConfig & { post: PostOptions; owner: string; now?: () => number },
): Promise<PostResult> {
  const now = o.now ?? Date.now;
  let result: PostResult;
  if (!d.enabled) {
    result = { ok: false, statusCode: null, durationMs: 0, error: "the endpoint is disabled" };
  } else {
    const secret = open(key, d.secretBox, d.endpointId);
    result = await postWebhook(d.url, d.body, deliveryHeaders(secret, d, now()), o.post);
  }
  const finishedAt = now();
  const giveUp = !d.enabled || finishedAt - d.createdAt >= o.retryForMs;
  const nextTry = finishedAt + o.retryBaseMs * 2 ** Math.min(d.tries, 20);
  await recordTry(
    pool,
    d,
    result,
    finishedAt,
    o.owner,
    result.ok ? "delivered" : giveUp ? "failed" : "pending",
    nextTry,
  );
  return result;
}

/** The try's row and the delivery's new state, together; the history bounded per endpoint. */
export async function recordTry(
  pool: pg.Pool,
  d: Pick<ClaimedDelivery, "id" | "endpointId">,
  r: PostResult,
  atMs: number,
  owner: string,
  status: "delivered" | "failed" | "pending",
  nextTryAt: number,
): Promise<void> {
  await withTransaction(pool, async (tx) => {
    await tx.query(
      `INSERT INTO webhook_delivery_tries (delivery_id, endpoint_id, at, status_code, duration_ms, error, ok, scheduler)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [d.id, d.endpointId, atMs, r.statusCode, r.durationMs, r.error, r.ok, owner],
    );
    await tx.query(
      `UPDATE webhook_deliveries SET tries = tries + 1, status = $2, last_status_code = $3, last_error = $4,
         next_try_at = $5, finished_at = CASE WHEN $2 = 'pending' THEN NULL ELSE $6::bigint END,
         claimed_until = NULL, claimed_by = NULL
       WHERE id = $1`,
      [d.id, status, r.statusCode, r.error, nextTryAt, atMs],
    );
    await tx.query(
      `DELETE FROM webhook_delivery_tries WHERE endpoint_id = $1 AND id < (
         SELECT id FROM webhook_delivery_tries WHERE endpoint_id = $1 ORDER BY id DESC OFFSET $2 LIMIT 1)`,
      [d.endpointId, TRIES_KEPT - 1],
    );
  });
  // fedconsole_webhook_deliveries_total: every try, by how it ended ("gave_up": the last one failed).
  countWebhookDelivery(r.ok ? "delivered" : status === "failed" ? "gave_up" : "failed");
}
