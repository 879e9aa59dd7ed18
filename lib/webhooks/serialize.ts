// The API's JSON for endpoints and delivery tries (snake_case, times in ms and ISO). No secret, ever.
import type { JsonValue } from "../http/json";
import type { WebhookEndpoint } from "./endpoints";
import type { DeliveryTry } from "./list-deliveries";

const iso = (ms: number) => new Date(ms).toISOString();

export function endpointJson(w: WebhookEndpoint): JsonValue {
  return {
    id: w.id,
    url: w.url,
    events: w.events,
    enabled: w.enabled,
    description: w.description,
    created_ts: w.createdAt,
    updated_ts: w.updatedAt,
    pending_deliveries: w.pending,
    last_try: w.lastTry
      ? {
          ts: w.lastTry.at,
          at: iso(w.lastTry.at),
          ok: w.lastTry.ok,
          status_code: w.lastTry.statusCode,
          error: w.lastTry.error,
        }
      : null,
  };
}

export function deliveryJson(t: DeliveryTry): JsonValue {
  return {
    id: t.id,
    delivery_id: t.deliveryId,
    event_id: t.eventId,
    event: t.event,
    ts: t.at,
    at: iso(t.at),
    ok: t.ok,
    status_code: t.statusCode,
    duration_ms: t.durationMs,
    error: t.error,
    try: t.tryNumber,
    delivery_status: t.deliveryStatus,
  };
}
