// The sign-in throttle's bookkeeping in table login_throttle, shared by every instance on the
// database. An attempt is counted *before* its password is verified (reserveAttempt): its keys'
// rows are locked in key order, and the attempt goes on only if no key is paused or already at
// its limit, so N concurrent guesses verify at most the limit. A failure keeps its count and
// pauses each key it brought to the limit (recordFailure); a success gives it back
// (recordSuccess). Pauses last FEDCONSOLE_LOGIN_LOCKOUT and double each time the same key is
// paused again within a day of its previous pause ending, up to PAUSE_CAP_MS.
import type pg from "pg";
import { withTransaction } from "../db/transaction";
import type { ConsoleSettings } from "../settings/settings";
import type { ThrottleKey, ThrottleKind } from "./throttle-keys";

const DAY_MS = 86_400_000;
/** The longest pause (or the lockout itself, when that is longer). */
export const PAUSE_CAP_MS = DAY_MS;

export type Refusal = { kind: ThrottleKind; retryAfterMs: number };
type Row = { key: string; failures: number; window_start: string; locked_until: string | null; pauses: number };

const pauseCap = (cfg: ConsoleSettings) => Math.max(PAUSE_CAP_MS, cfg.lockoutMs);

/** The length of a key's next pause: the lockout, doubled per pause within a day of the last one. */
function nextPauseMs(cfg: ConsoleSettings, row: Row, now: number): number {
  const recent = row.locked_until !== null && Number(row.locked_until) > now - DAY_MS;
  const n = recent ? Math.min(row.pauses, 30) : 0;
  return Math.min(pauseCap(cfg), cfg.lockoutMs * 2 ** n);
}

/** The longest of several refusals: the one the caller must wait out. */
const longest = (rs: Refusal[]) => rs.reduce((a, b) => (b.retryAfterMs > a.retryAfterMs ? b : a));

class RowsVanished extends Error {}

/**
 * Counts one attempt against every key, or refuses it (nothing counted) when a key is paused
 * or already at its limit with attempts still in flight.
 */
export async function reserveAttempt(
  pool: pg.Pool,
  cfg: ConsoleSettings,
  keys: ThrottleKey[],
  now: number,
): Promise<Refusal | null> {
  const names = keys.map((k) => k.key);
  if (Math.random() < 0.02) await pruneThrottle(pool, cfg, now);
  for (let tries = 0; ; tries++) {
    // Rows are created outside the transaction below, so that it only ever locks existing rows,
    // all in key order: concurrent attempts queue on the rows and never deadlock.
    await pool.query(
      "INSERT INTO login_throttle (key, failures, window_start) SELECT k, 0, $2 FROM unnest($1::text[]) AS k ORDER BY k ON CONFLICT (key) DO NOTHING",
      [names, now],
    );
    try {
      return await withTransaction(pool, async (tx) => {
        const r = await tx.query<Row>(
          `SELECT key, failures, window_start::text, locked_until::text, pauses FROM login_throttle
           WHERE key = ANY($1) ORDER BY key FOR UPDATE`,
          [names],
        );
        if (r.rows.length !== keys.length) throw new RowsVanished(); // pruned in between: again
        const refusals: Refusal[] = [];
        for (const row of r.rows) {
          const k = keys.find((x) => x.key === row.key)!;
          const counted = Number(row.window_start) <= now - cfg.lockoutMs ? 0 : row.failures;
          if (row.locked_until !== null && Number(row.locked_until) > now)
            refusals.push({ kind: k.kind, retryAfterMs: Number(row.locked_until) - now });
          else if (counted >= k.limit) refusals.push({ kind: k.kind, retryAfterMs: nextPauseMs(cfg, row, now) });
        }
        if (refusals.length) return longest(refusals);
        await tx.query(
          `UPDATE login_throttle SET
             failures = CASE WHEN window_start <= $2::bigint - $3::bigint THEN 1 ELSE failures + 1 END,
             window_start = CASE WHEN window_start <= $2::bigint - $3::bigint THEN $2::bigint ELSE window_start END
           WHERE key = ANY($1)`,
          [names, now, cfg.lockoutMs],
        );
        return null;
      });
    } catch (e) {
      if (!(e instanceof RowsVanished) || tries >= 3) throw e;
    }
  }
}

/** A verified wrong password: the count stays; every key it brought to its limit is paused. */
export async function recordFailure(
  pool: pg.Pool,
  cfg: ConsoleSettings,
  keys: ThrottleKey[],
  now: number,
): Promise<Refusal | null> {
  // pauses = this pause's number in a row: 1, or one more when the last pause ended within a day.
  const r = await pool.query<{ key: string; locked_until: string }>(
    `WITH x AS (SELECT * FROM unnest($1::text[], $2::int[]) AS x(k, m))
     UPDATE login_throttle t SET
       pauses = CASE WHEN t.locked_until > $3::bigint - ${DAY_MS} THEN t.pauses + 1 ELSE 1 END,
       locked_until = $3::bigint + LEAST($5::bigint, $4::bigint *
         power(2, CASE WHEN t.locked_until > $3::bigint - ${DAY_MS} THEN LEAST(t.pauses, 30) ELSE 0 END))::bigint
     FROM x WHERE t.key = x.k AND t.failures >= x.m AND (t.locked_until IS NULL OR t.locked_until <= $3::bigint)
     RETURNING t.key, t.locked_until::text`,
    [keys.map((k) => k.key), keys.map((k) => k.limit), now, cfg.lockoutMs, pauseCap(cfg)],
  );
  if (!r.rows.length) return null;
  return longest(
    r.rows.map((row) => ({
      kind: keys.find((k) => k.key === row.key)!.kind,
      retryAfterMs: Number(row.locked_until) - now,
    })),
  );
}

/**
 * The right password: the account's count from this address starts again (and its pauses);
 * the attempt is given back to the address and to the account's ceiling, which keep the rest.
 */
export async function recordSuccess(pool: pg.Pool, keys: ThrottleKey[]): Promise<void> {
  const pair = keys.find((k) => k.kind === "account-address")!.key;
  await pool.query(
    `UPDATE login_throttle SET
       failures = CASE WHEN key = $2 THEN 0 ELSE GREATEST(failures - 1, 0) END,
       pauses = CASE WHEN key = $2 THEN 0 ELSE pauses END,
       locked_until = CASE WHEN key = $2 THEN NULL ELSE locked_until END
     WHERE key = ANY($1)`,
    [keys.map((k) => k.key), pair],
  );
}

/** An attempt that was counted but never verified (no slot came free): given back. */
export async function releaseAttempt(pool: pg.Pool, keys: ThrottleKey[]): Promise<void> {
  await pool.query("UPDATE login_throttle SET failures = GREATEST(failures - 1, 0) WHERE key = ANY($1)", [
    keys.map((k) => k.key),
  ]);
}

/** Rows with nothing left to say: the window long over, no pause within the last day. */
export async function pruneThrottle(pool: pg.Pool, cfg: ConsoleSettings, now: number): Promise<void> {
  await pool.query(
    "DELETE FROM login_throttle WHERE window_start < $1::bigint AND (locked_until IS NULL OR locked_until < $2::bigint)",
    [now - cfg.lockoutMs - DAY_MS, now - DAY_MS],
  );
}
