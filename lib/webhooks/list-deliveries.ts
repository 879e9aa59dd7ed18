// The newest delivery tries of one endpoint, as the console's webhook page and the API show them.
import type pg from "pg";
import type { Principal } from "../auth/principal";
import { getWebhook } from "./endpoints";

export type DeliveryTry = {
  id: string;
  deliveryId: string;
  eventId: string;
  event: string;
  at: number;
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** The delivery's state now: pending (will be retried), delivered, failed (given up). */
  deliveryStatus: string;
  tryNumber: number;
};

export async function listDeliveries(
  pool: pg.Pool,
  actor: Principal,
  idOrUrl: string,
  limit = 50,
): Promise<DeliveryTry[]> {
  const endpoint = await getWebhook(pool, actor, idOrUrl);
  const r = await pool.query<{
    id: string;
    delivery_id: string;
    event_id: string;
    kind: string;
    at: string;
    ok: boolean;
    status_code: number | null;
    duration_ms: number;
    error: string | null;
    status: string;
    n: number;
  }>(
    `SELECT t.id::text, t.delivery_id::text, d.event_id::text, e.kind, t.at::text, t.ok, t.status_code, t.duration_ms, t.error,
            d.status, (SELECT count(*)::int FROM webhook_delivery_tries y WHERE y.delivery_id = t.delivery_id AND y.id <= t.id) AS n
     FROM webhook_delivery_tries t JOIN webhook_deliveries d ON d.id = t.delivery_id JOIN webhook_events e ON e.id = d.event_id
     WHERE t.endpoint_id = $1 ORDER BY t.id DESC LIMIT $2`,
    [endpoint.id, Math.max(1, Math.min(500, limit))],
  );
  return r.rows.map((x) => ({
    id: x.id,
    deliveryId: x.delivery_id,
    eventId: x.event_id,
    event: x.kind,
    at: Number(x.at),
    ok: x.ok,
    statusCode: x.status_code,
    durationMs: x.duration_ms,
    error: x.error,
    deliveryStatus: x.status,
    tryNumber: x.n,
  }));
}
