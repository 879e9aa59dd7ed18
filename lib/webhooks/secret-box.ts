// Webhook secrets at rest. An HMAC secret must be recoverable to sign, so it cannot be hashed
// like API tokens: it is sealed with AES-256-GCM under a key derived (HKDF-SHA256) from a random
// key kept in app_secrets ('webhook_key', created on first use and shared by every instance, as
// the session secret is). A separate key, not AUTH_SECRET: rotating the session secret must not
// make every webhook secret unreadable. What this protects against: the secret showing up in a
// dump of the endpoints table, a log line, the console or the API (it is never returned). What
// it does not: someone with the whole database has the key too — README says so.
import crypto from "node:crypto";
import type { Queryable } from "../db/transaction";

const NAME = "webhook_key";
const INFO = "fedconsole webhook secret v1";
const VERSION = "v1";

const g = globalThis as { __fedconsoleWebhookKey?: Promise<Buffer> };

async function loadKey(db: Queryable): Promise<Buffer> {
  await db.query("INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [
    NAME,
    crypto.randomBytes(32).toString("base64url"),
  ]);
  const r = await db.query<{ value: string }>("SELECT value FROM app_secrets WHERE name = $1", [NAME]);
  const ikm = Buffer.from(r.rows[0].value, "base64url");
  return Buffer.from(crypto.hkdfSync("sha256", ikm, Buffer.alloc(0), INFO, 32));
}

/** The sealing key of this database (read once per process). */
export function webhookKey(db: Queryable): Promise<Buffer> {
  g.__fedconsoleWebhookKey ??= loadKey(db);
  g.__fedconsoleWebhookKey.catch(() => {
    g.__fedconsoleWebhookKey = undefined;
  });
  return g.__fedconsoleWebhookKey;
}

/** Forgets the cached key (tests that switch databases within one process). */
export function forgetWebhookKey(): void {
  g.__fedconsoleWebhookKey = undefined;
}

/** "v1.<iv>.<tag>.<ciphertext>", base64url parts; the endpoint id is bound in as associated data. */
export function seal(key: Buffer, secret: string, endpointId: string): string {
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(Buffer.from(endpointId));
  const body = Buffer.concat([c.update(secret, "utf8"), c.final()]);
  return [VERSION, iv, c.getAuthTag(), body]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

export function open(key: Buffer, box: string, endpointId: string): string {
  const [version, iv, tag, body] = box.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("unreadable webhook secret");
  const d = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  d.setAAD(Buffer.from(endpointId));
  d.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([d.update(Buffer.from(body, "base64url")), d.final()]).toString("utf8");
}
