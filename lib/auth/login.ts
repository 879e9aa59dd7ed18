// Console sign-in: email + password, verified against the stored hash, with failed attempts
// counted per account and per client address (in the database, so every web instance shares
// the count). A paused account or address is refused before the password is even checked.
import crypto from "node:crypto";
import type pg from "pg";
import { hashPassword, verifyPassword } from "./passwords";
import type { Role } from "./principal";
import type { ConsoleSettings } from "../settings/settings";
import { formatDuration } from "../destinations/humanize";

export type LoginInput = { email: string; password: string; address: string | null; nowMs?: number };
export type LoginUser = { id: string; email: string; role: Role };
export type LoginResult =
  | { ok: true; user: LoginUser }
  | { ok: false; reason: "invalid" | "locked"; message: string; retryAfterMs?: number };

export const INVALID_LOGIN = "Wrong email or password.";

const accountKey = (email: string) => `account:${email}`;
const addressKey = (address: string) => `address:${address}`;

let dummyHash: Promise<string> | undefined;
/**
 * A hash of a random secret nobody knows: unknown emails, and accounts without a password,
 * cost a hash verification too, so timing does not tell which emails exist.
 */
const dummy = () => (dummyHash ??= hashPassword(crypto.randomBytes(32).toString("base64url")));

function pausedMessage(kind: "account" | "address", ms: number): string {
  const wait = formatDuration(Math.max(1000, Math.ceil(ms / 1000) * 1000));
  return kind === "account"
    ? `Too many failed sign-ins for this account. Try again in ${wait}.`
    : `Too many failed sign-ins from your address. Try again in ${wait}.`;
}

export async function attemptLogin(pool: pg.Pool, cfg: ConsoleSettings, input: LoginInput): Promise<LoginResult> {
  const now = input.nowMs ?? Date.now();
  const email = input.email.trim().toLowerCase();
  const keys = [accountKey(email), ...(input.address ? [addressKey(input.address)] : [])];

  const locks = await pool.query<{ key: string; locked_until: string }>(
    "SELECT key, locked_until::text FROM login_throttle WHERE key = ANY($1) AND locked_until > $2",
    [keys, now],
  );
  if (locks.rowCount) {
    const lock = locks.rows[0];
    const ms = Number(lock.locked_until) - now;
    return {
      ok: false,
      reason: "locked",
      message: pausedMessage(lock.key.startsWith("account:") ? "account" : "address", ms),
      retryAfterMs: ms,
    };
  }

  const pendingDummy = dummy(); // made once per process; started alongside the lookup
  const u = await pool.query<{ id: string; email: string; role: Role; password_hash: string | null }>(
    "SELECT id, email, role, password_hash FROM users WHERE email = $1",
    [email],
  );
  const user = u.rows[0];
  const verified = await verifyPassword(user?.password_hash ?? (await pendingDummy), input.password);
  if (verified && user?.password_hash) {
    await pool.query("DELETE FROM login_throttle WHERE key = $1", [accountKey(email)]);
    return { ok: true, user: { id: user.id, email: user.email, role: user.role } };
  }

  // Count the failure against the account and the address; a key reaching its limit is paused.
  const limits = keys.map((k) => (k.startsWith("account:") ? cfg.maxFailuresPerAccount : cfg.maxFailuresPerAddress));
  const r = await pool.query<{ key: string; locked_until: string | null }>(
    `INSERT INTO login_throttle AS t (key, failures, window_start, locked_until)
     SELECT k, 1, $2::bigint, CASE WHEN 1 >= m THEN $2::bigint + $4::bigint END FROM unnest($1::text[], $5::int[]) AS x(k, m)
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN t.window_start <= $2::bigint - $3::bigint THEN 1 ELSE t.failures + 1 END,
       window_start = CASE WHEN t.window_start <= $2::bigint - $3::bigint THEN $2::bigint ELSE t.window_start END,
       locked_until = CASE
         WHEN (CASE WHEN t.window_start <= $2::bigint - $3::bigint THEN 1 ELSE t.failures + 1 END) >=
              (SELECT m FROM unnest($1::text[], $5::int[]) AS y(k, m) WHERE y.k = t.key)
         THEN $2::bigint + $4::bigint ELSE t.locked_until END
     RETURNING key, locked_until::text`,
    [keys, now, cfg.lockoutMs, cfg.lockoutMs, limits],
  );
  const nowLocked = r.rows.find((x) => x.locked_until !== null && Number(x.locked_until) > now);
  if (nowLocked) {
    const kind = nowLocked.key.startsWith("account:") ? "account" : "address";
    return {
      ok: false,
      reason: "locked",
      message: `${INVALID_LOGIN} ${pausedMessage(kind, cfg.lockoutMs)}`,
      retryAfterMs: cfg.lockoutMs,
    };
  }
  return { ok: false, reason: "invalid", message: INVALID_LOGIN };
}
