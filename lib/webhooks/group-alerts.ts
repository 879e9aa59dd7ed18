// Turns queued transitions (alert_pending) into events and their deliveries (the outbox). A
// transition waits FEDCONSOLE_ALERT_GROUP_WINDOW for others of its kind; then all of that kind
// are taken together: FEDCONSOLE_ALERT_GROUP_MIN or more become ONE grouped event (a network
// outage that takes 5,000 destinations down is one message, not 5,000), fewer one event each.
// One grouper at a time across processes (a transaction-level advisory lock: two would split a
// group in two); taking the queue and writing the events and deliveries commit together, so a
// transition becomes exactly one event.
import type pg from "pg";
import { withTransaction, type Tx } from "../db/transaction";
import type { AlertConfig } from "./alert-config";
import type { EventKind } from "./events";
import { buildPayload, type PayloadContext, type PendingAlert } from "./payload";

/** Advisory lock key of the grouper (the syncer and migrations use others). */
export const GROUP_LOCK_KEY = 724_311_979;

type PendingRow = {
  id: string;
  kind: EventKind;
  destination: string | null;
  at: string;
  detail: PendingAlert["detail"];
};

export async function groupAlerts(
  pool: pg.Pool,
  nowMs: number,
  cfg: Pick<AlertConfig, "groupWindowMs" | "groupMin">,
  ctx: PayloadContext,
): Promise<number> {
  return withTransaction(pool, async (tx) => {
    const lock = await tx.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS ok", [GROUP_LOCK_KEY]);
    if (!lock.rows[0].ok) return 0;
    const r = await tx.query<PendingRow>(
      `DELETE FROM alert_pending WHERE kind IN (SELECT kind FROM alert_pending GROUP BY kind HAVING min(at) <= $1)
       RETURNING id::text, kind, destination, at::text, detail`,
      [nowMs - cfg.groupWindowMs],
    );
    const byKind = new Map<EventKind, PendingAlert[]>();
    for (const row of r.rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)))) {
      const list = byKind.get(row.kind) ?? [];
      list.push({ kind: row.kind, destination: row.destination, at: Number(row.at), detail: row.detail });
      byKind.set(row.kind, list);
    }
    let events = 0;
    for (const [kind, alerts] of byKind) {
      const groups = alerts.length >= cfg.groupMin ? [alerts] : alerts.map((a) => [a]);
      for (const g of groups) {
        await createEvent(tx, kind, g, nowMs, ctx);
        events++;
      }
    }
    return events;
  });
}

/** One event and a delivery for every enabled endpoint that chose its kind (or `only`). */
export async function createEvent(
  tx: Tx,
  kind: EventKind,
  alerts: PendingAlert[],
  nowMs: number,
  ctx: PayloadContext,
  only?: string,
): Promise<{ eventId: string; body: string }> {
  const id = (await tx.query<{ id: string }>("SELECT nextval('webhook_events_id_seq')::text AS id")).rows[0].id;
  const body = JSON.stringify({ id, ...buildPayload(kind, alerts, nowMs, ctx) });
  await tx.query("INSERT INTO webhook_events (id, kind, created_at, body) VALUES ($1, $2, $3, $4)", [
    id,
    kind,
    nowMs,
    body,
  ]);
  if (only) {
    await tx.query(
      "INSERT INTO webhook_deliveries (event_id, endpoint_id, created_at, next_try_at) VALUES ($1, $2, $3, $3)",
      [id, only, nowMs],
    );
  } else {
    await tx.query(
      `INSERT INTO webhook_deliveries (event_id, endpoint_id, created_at, next_try_at)
       SELECT $1, id, $3, $3 FROM webhook_endpoints WHERE enabled AND $2 = ANY(events)`,
      [id, kind, nowMs],
    );
  }
  return { eventId: id, body };
}
