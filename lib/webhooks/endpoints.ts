// Webhook endpoints as admins manage them (console, API, fedctl): list, create, change, delete.
// Every call checks the admin role itself and audits its change in the same transaction. The
// secret is sealed at rest (secret-box.ts) and never returned, except once: the one generated
// when none was given.
import crypto from "node:crypto";
import type pg from "pg";
import { recordAudit } from "../audit/record-audit";
import { type Principal, requireRole } from "../auth/principal";
import { withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import type { IpGuard } from "../federation/ip-guard";
import { cleanEndpoint, type EndpointInput, urlOrigin } from "./endpoint-input";
import type { AlertEvent } from "./events";
import { seal, webhookKey } from "./secret-box";

export type WebhookEndpoint = {
  id: string;
  url: string;
  events: AlertEvent[];
  enabled: boolean;
  description: string;
  createdAt: number;
  updatedAt: number;
  /** The newest try of any delivery, if one. */
  lastTry: { at: number; ok: boolean; statusCode: number | null; error: string | null } | null;
  pending: number;
};

type Row = {
  id: string;
  url: string;
  events: AlertEvent[];
  enabled: boolean;
  description: string;
  created_ms: string;
  updated_ms: string;
  last_at: string | null;
  last_ok: boolean | null;
  last_status: number | null;
  last_error: string | null;
  pending: number;
};

const SELECT = `SELECT w.id::text, w.url, w.events, w.enabled, w.description,
    (extract(epoch FROM w.created_at) * 1000)::bigint::text AS created_ms,
    (extract(epoch FROM w.updated_at) * 1000)::bigint::text AS updated_ms,
    t.at::text AS last_at, t.ok AS last_ok, t.status_code AS last_status, t.error AS last_error,
    (SELECT count(*)::int FROM webhook_deliveries d WHERE d.endpoint_id = w.id AND d.status = 'pending') AS pending
  FROM webhook_endpoints w
  LEFT JOIN LATERAL (SELECT at, ok, status_code, error FROM webhook_delivery_tries x
                     WHERE x.endpoint_id = w.id ORDER BY x.id DESC LIMIT 1) t ON true`;

const toEndpoint = (r: Row): WebhookEndpoint => ({
  id: r.id,
  url: r.url,
  events: r.events,
  enabled: r.enabled,
  description: r.description,
  createdAt: Number(r.created_ms),
  updatedAt: Number(r.updated_ms),
  lastTry:
    r.last_at === null
      ? null
      : { at: Number(r.last_at), ok: r.last_ok === true, statusCode: r.last_status, error: r.last_error },
  pending: r.pending,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function listWebhooks(pool: pg.Pool, actor: Principal): Promise<WebhookEndpoint[]> {
  requireRole(actor, "admin", "manage webhooks");
  const r = await pool.query<Row>(`${SELECT} ORDER BY w.created_at, w.id`);
  return r.rows.map(toEndpoint);
}

/** One endpoint by id, or by its exact URL (fedctl); not_found otherwise. */
export async function getWebhook(pool: pg.Pool, actor: Principal, idOrUrl: string): Promise<WebhookEndpoint> {
  requireRole(actor, "admin", "manage webhooks");
  const byId = UUID.test(idOrUrl);
  const r = await pool.query<Row>(`${SELECT} WHERE ${byId ? "w.id = $1::uuid" : "w.url = $1"} ORDER BY w.created_at`, [
    idOrUrl,
  ]);
  if (r.rows.length === 0) throw new AppError("not_found", `No webhook ${idOrUrl}.`);
  if (r.rows.length > 1) throw new AppError("conflict", `Several webhooks have the URL ${idOrUrl}; use the id.`);
  return toEndpoint(r.rows[0]);
}

export async function createWebhook(
  pool: pg.Pool,
  actor: Principal,
  input: EndpointInput,
  guard: IpGuard,
): Promise<{ endpoint: WebhookEndpoint; generatedSecret: string | null }> {
  requireRole(actor, "admin", "manage webhooks");
  const c = cleanEndpoint({ ...input, url: input.url ?? "", events: input.events ?? [] }, guard);
  const generatedSecret = c.secret ? null : `whsec_${crypto.randomBytes(24).toString("base64url")}`;
  const secret = c.secret ?? (generatedSecret as string);
  const key = await webhookKey(pool);
  const id = crypto.randomUUID();
  await withTransaction(pool, async (tx) => {
    await tx.query(
      "INSERT INTO webhook_endpoints (id, url, secret_box, events, enabled, description) VALUES ($1, $2, $3, $4, $5, $6)",
      [id, c.url, seal(key, secret, id), c.events, c.enabled ?? true, c.description ?? ""],
    );
    await recordAudit(tx, actor, {
      action: "webhook.create",
      detail: { id, origin: urlOrigin(c.url as string), events: c.events as string[], enabled: c.enabled ?? true },
    });
  });
  return { endpoint: await getWebhook(pool, actor, id), generatedSecret };
}

export async function updateWebhook(
  pool: pg.Pool,
  actor: Principal,
  idOrUrl: string,
  input: EndpointInput,
  guard: IpGuard,
): Promise<WebhookEndpoint> {
  const before = await getWebhook(pool, actor, idOrUrl);
  const c = cleanEndpoint(input, guard);
  const key = c.secret ? await webhookKey(pool) : null;
  const changed: string[] = [];
  if (c.url !== undefined && c.url !== before.url) changed.push("url");
  if (c.secret !== undefined) changed.push("secret");
  if (c.events !== undefined && c.events.join() !== before.events.join()) changed.push("events");
  if (c.enabled !== undefined && c.enabled !== before.enabled) changed.push(c.enabled ? "enabled" : "disabled");
  if (c.description !== undefined && c.description !== before.description) changed.push("description");
  if (changed.length === 0) return before;
  await withTransaction(pool, async (tx) => {
    await tx.query(
      `UPDATE webhook_endpoints SET url = COALESCE($2, url), secret_box = COALESCE($3, secret_box),
         events = COALESCE($4, events), enabled = COALESCE($5, enabled), description = COALESCE($6, description),
         updated_at = CURRENT_TIMESTAMP
       WHERE id = $1`,
      [
        before.id,
        c.url ?? null,
        key && c.secret ? seal(key, c.secret, before.id) : null,
        c.events ?? null,
        c.enabled ?? null,
        c.description ?? null,
      ],
    );
    await recordAudit(tx, actor, {
      action: "webhook.change",
      detail: { id: before.id, origin: urlOrigin(c.url ?? before.url), changed },
    });
  });
  return getWebhook(pool, actor, before.id);
}

export async function deleteWebhook(pool: pg.Pool, actor: Principal, idOrUrl: string): Promise<WebhookEndpoint> {
  const before = await getWebhook(pool, actor, idOrUrl);
  await withTransaction(pool, async (tx) => {
    await tx.query("DELETE FROM webhook_endpoints WHERE id = $1", [before.id]);
    await recordAudit(tx, actor, {
      action: "webhook.delete",
      detail: { id: before.id, origin: urlOrigin(before.url) },
    });
  });
  return before;
}
