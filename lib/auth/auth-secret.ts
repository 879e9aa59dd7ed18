// The secret that signs console sessions. AUTH_SECRET wins when set; otherwise one random
// secret is created in the database on first start and read by every instance after that,
// so several web instances on one database accept each other's sessions.
import crypto from "node:crypto";
import type pg from "pg";
import { settings } from "../settings/settings";

const NAME = "auth_secret";

export async function getOrCreateAuthSecret(pool: pg.Pool): Promise<string> {
  // ON CONFLICT DO NOTHING: two instances starting together agree on the first one written.
  await pool.query("INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [
    NAME,
    crypto.randomBytes(32).toString("base64url"),
  ]);
  const r = await pool.query<{ value: string }>("SELECT value FROM app_secrets WHERE name = $1", [NAME]);
  return r.rows[0].value;
}

// Resolved once per process and shared by every bundle of the Next server.
const g = globalThis as { __fedconsoleAuthSecret?: Promise<string> };

/** AUTH_SECRET when set, else the database's shared secret (created on first use). */
export function resolveAuthSecret(pool: () => Promise<pg.Pool>): Promise<string> {
  const configured = settings().auth.secret;
  if (configured) return Promise.resolve(configured);
  g.__fedconsoleAuthSecret ??= pool().then(getOrCreateAuthSecret);
  g.__fedconsoleAuthSecret.catch(() => {
    g.__fedconsoleAuthSecret = undefined; // database down: try again on the next sign-in
  });
  return g.__fedconsoleAuthSecret;
}
