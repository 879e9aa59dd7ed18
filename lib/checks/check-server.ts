// Run a federation check on demand and keep its report: the one use case behind the console's
// "Check now" and "Check a server", the API's POST …/check and /api/report, and fedctl check.
// A check changes no state a destination has (trigger "manual": no retry timing, no wake, no
// attempt row), so any signed-in role may check a destination; checking an arbitrary name makes
// this server connect wherever the name points, which takes an operator. Rate-limited per user,
// counted in the database so every process shares the count.
import type pg from "pg";
import { type Principal, hasRole, requireRole } from "../auth/principal";
import { withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import type { CheckEnv } from "./check-options";
import { withCheckSlot } from "./check-slots";
import { runCheck } from "./run-check";
import { noteCheckedCertificate } from "./note-check-certificate";
import {
  abandonCheck,
  finishCheck,
  getCheck,
  insertRunningCheck,
  isDestination,
  pruneOtherNames,
  type StoredCheck,
} from "./stored-checks";

const WINDOW_MS = 60_000;

// One start at a time per user in this process, queued before a pooled connection is taken:
// many checks by one user at once would otherwise each hold a connection while waiting for the
// user's advisory lock, and starve the pool the console's pages need.
const starting = new Map<string, Promise<unknown>>();

function oneAtATime<T>(key: string | null, fn: () => Promise<T>): Promise<T> {
  if (key === null) return fn();
  const run = (starting.get(key) ?? Promise.resolve()).then(fn, fn);
  const settled = run.catch(() => {});
  starting.set(key, settled);
  void settled.then(() => {
    if (starting.get(key) === settled) starting.delete(key);
  });
  return run;
}

/** The rate check and the running row, in one transaction serialised per user (across processes too). */
function startCheck(pool: pg.Pool, actor: Principal, serverName: string, env: CheckEnv): Promise<bigint> {
  return oneAtATime(actor.userId, () =>
    withTransaction(pool, async (tx) => {
      if (actor.userId !== null) {
        await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('fedconsole_check:' || $1, 0))", [actor.userId]);
        await tx.query(
          "DELETE FROM check_starts WHERE user_id = $1 AND started_at <= now() - make_interval(secs => $2 / 1000.0)",
          [actor.userId, WINDOW_MS],
        );
        const r = await tx.query<{ n: string; oldest: Date | null }>(
          "SELECT count(*)::text AS n, min(started_at) AS oldest FROM check_starts WHERE user_id = $1",
          [actor.userId],
        );
        const { n, oldest } = r.rows[0];
        if (Number(n) >= env.perUserPerMinute) {
          const retryAfterMs = Math.max(1, (oldest?.getTime() ?? Date.now()) + WINDOW_MS - Date.now());
          throw new AppError(
            "rate_limited",
            `Too many federation checks: at most ${env.perUserPerMinute} a minute per user (FEDERATION_CHECK_RATE_LIMIT).`,
            { retry_after_ms: retryAfterMs },
          );
        }
        await tx.query("INSERT INTO check_starts (user_id) VALUES ($1)", [actor.userId]);
      }
      return insertRunningCheck(tx, actor, serverName);
    }),
  );
}

export type CheckServerOptions = {
  /** Refuse names that are not destinations (POST /destinations/<name>/check): 404. */
  destinationOnly?: boolean;
};

export async function checkServer(
  pool: pg.Pool,
  actor: Principal,
  serverName: string,
  env: CheckEnv,
  opts: CheckServerOptions = {},
): Promise<StoredCheck> {
  requireRole(actor, "viewer", "run federation checks");
  if (serverName.length > 1000) throw new AppError("invalid_param", "server_name is too long");
  const known = await isDestination(pool, serverName);
  if (opts.destinationOnly && !known) throw new AppError("not_found", "Unknown destination");
  if (!known && !hasRole(actor, "operator")) {
    requireRole(actor, "operator", "check a server that is not a destination");
  }
  const id = await startCheck(pool, actor, serverName, env);
  try {
    // The deadline starts when the check does, not while it waits for a slot.
    const report = await withCheckSlot(() => runCheck(serverName, env.options));
    await finishCheck(pool, id, report, env.history);
    if (known) await noteCheckedCertificate(pool, serverName, report, env.certWarningMs);
    else await pruneOtherNames(pool, env.otherNamesKept);
  } catch (error) {
    await abandonCheck(pool, id).catch(() => {});
    throw error;
  }
  return getCheck(pool, actor, id.toString());
}
