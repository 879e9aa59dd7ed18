// "Attempt now" (console button, POST /_fedconsole/v1/destinations/<name>/attempt): one attempt
// of a destination at once, through the scheduler's own path — the scheduler's claim
// (claimDestination: same columns and lease, so never beside a scheduler's attempt of the same
// destination), attemptConnection (discovery, IP guard on every address, verified TLS,
// GET /_matrix/federation/v1/version) and recordAttempt (the attempt row, the destination's
// findings, the claim's release) — with trigger "manual". Operators and admins; rate-limited
// per user like checks; audited in the attempt's own transaction.
//
// Retry timings (Synapse's RetryDestinationLimiter, synapse/util/retryutils.py):
// - success: recorded as a scheduled success is. Standalone, that clears a backoff (failure_ts
//   NULL, retry_last_ts 0, retry_interval 0): the limiter resets on any success.
// - failure: recorded in the history and the destination's last error / last attempt, but
//   retry_last_ts, retry_interval and failure_ts stay as they were. In Synapse no request is
//   made while a destination backs off (the limiter refuses it), so a failure then never
//   extends the backoff; and a destination that is not backing off must not start one because
//   an operator pressed a button. The scheduler's next retry stays when it was. For the same
//   reason a manual failure does not count towards the `down` alert (only its certificate is
//   noted); a success moves the alert state as a scheduled one does.
// - neutral (e.g. 404): no timing changes, as for the scheduler.
// - mirror mode: the homeserver owns the four Synapse columns; like the prober, a manual
//   attempt never writes them and records findings only.
import crypto from "node:crypto";
import os from "node:os";
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { type Tx, withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import { attemptConnection, type AttemptOptions } from "../federation/attempt-connection";
import type { AttemptResult } from "../federation/attempt-result";
import type { BackoffConfig } from "../federation/backoff";
import { type Claim, claimDestination, releaseClaims } from "../federation/claim-due";
import { recordAttempt } from "../federation/record-attempt";
import { announceChanged } from "../live/announce";
import { assertStorableName, getDestination } from "./get-destination";
import { ATTEMPT_COLUMNS, type AttemptRow, type AttemptSqlRow, toAttemptRow } from "./list-attempts";
import type { DestinationTimings } from "./types";

export type AttemptNowEnv = {
  /** The scheduler's attempt options of this process (IP guard, CA, resolver, deadline). */
  attempt: AttemptOptions;
  backoff: BackoffConfig;
  /** Attempts kept per destination (FEDERATION_ATTEMPT_HISTORY). */
  historyLimit: number;
  /** How long the claim holds: the scheduler's lease, so it outlasts the attempt. */
  leaseMs: number;
  /** FEDERATION_MANUAL_ATTEMPT_RATE_LIMIT. */
  perUserPerMinute: number;
  /** Mirror mode: the homeserver's timings are never written. */
  mirror: boolean;
  /** Alert detection in the attempt's transaction (lib/webhooks/note-attempt.ts); none when absent. */
  noteForAlerts?: (tx: Tx, claim: Claim, result: AttemptResult, nowMs: number) => Promise<void>;
  now?: () => number;
};

export type ManualAttempt = {
  attempt: AttemptRow;
  /** The destination's Synapse fields after the attempt, as stored. */
  destination: DestinationTimings;
  /** Whether the attempt changed the retry timings (a success that cleared a backoff). */
  timingsChanged: boolean;
};

export const ATTEMPT_IN_PROGRESS = (d: string) =>
  `An attempt of ${d} is in progress right now (by a scheduler or another operator); try again when it has finished.`;

const WINDOW_MS = 60_000;

/** The per-user rate (one transaction, serialised per user across processes), as checks count theirs. */
async function countStart(tx: Tx, userId: string, perMinute: number): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('fedconsole_attempt:' || $1, 0))", [userId]);
  await tx.query(
    "DELETE FROM attempt_starts WHERE user_id = $1 AND started_at <= now() - make_interval(secs => $2 / 1000.0)",
    [userId, WINDOW_MS],
  );
  const r = await tx.query<{ n: string; oldest: Date | null }>(
    "SELECT count(*)::text AS n, min(started_at) AS oldest FROM attempt_starts WHERE user_id = $1",
    [userId],
  );
  const { n, oldest } = r.rows[0];
  if (Number(n) >= perMinute) {
    const retryAfterMs = Math.max(1, (oldest?.getTime() ?? Date.now()) + WINDOW_MS - Date.now());
    throw new AppError(
      "rate_limited",
      `Too many manual attempts: at most ${perMinute} a minute per user (FEDERATION_MANUAL_ATTEMPT_RATE_LIMIT).`,
      { retry_after_ms: retryAfterMs },
    );
  }
}

/** The rate, then the claim; a refused claim (404, 409) rolls back and costs nothing. */
function takeClaim(pool: pg.Pool, actor: Principal, destination: string, owner: string, env: AttemptNowEnv) {
  const now = env.now ?? Date.now;
  return withTransaction(pool, async (tx) => {
    if (actor.userId !== null) await countStart(tx, actor.userId, env.perUserPerMinute);
    const claim = await claimDestination(tx, destination, {
      nowMs: now(),
      leaseMs: env.leaseMs,
      owner,
      trigger: "manual",
    });
    if (claim === null) throw new AppError("not_found", "Unknown destination");
    if (claim === "claimed") throw new AppError("conflict", ATTEMPT_IN_PROGRESS(destination));
    if (actor.userId !== null) await tx.query("INSERT INTO attempt_starts (user_id) VALUES ($1)", [actor.userId]);
    return claim;
  });
}

export async function attemptNow(
  pool: pg.Pool,
  actor: Principal,
  destination: string,
  env: AttemptNowEnv,
): Promise<ManualAttempt> {
  requireRole(actor, "operator", "attempt destinations now");
  assertStorableName(destination);
  const now = env.now ?? Date.now;
  // Unique per call: it names the claim and the attempt row this call writes.
  const owner = `manual:${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString("hex")}`;
  const claim = await takeClaim(pool, actor, destination, owner, env);
  announceChanged(pool, [destination]); // open pages show "Retrying now"
  let recorded = false;
  try {
    // As the scheduler attempts a destination after a reset: past this process's well-known cache.
    const result = await attemptConnection(destination, { ...env.attempt, refreshCache: true });
    const outcome = await recordAttempt(pool, claim, result, {
      nowMs: now(),
      owner,
      backoff: env.backoff,
      historyLimit: env.historyLimit,
      // Only a success may write timings (it clears a backoff); never in mirror mode.
      writeTimings: !env.mirror && result.outcome === "success",
      afterRecord: async (tx, c, r, nowMs) => {
        // A manual failure must not bring a destination closer to "down" (see the top).
        if (env.noteForAlerts) {
          await env.noteForAlerts(tx, c, r.outcome === "failure" ? { ...r, outcome: "neutral" } : r, nowMs);
        }
        await recordAudit(tx, actor, {
          action: "destination.attempt",
          destination,
          detail: {
            outcome: r.outcome,
            reason: r.reason,
            http_status: r.httpStatus,
            duration_ms: Math.round(r.durationMs),
            was_backing_off: c.timings.retryLastTs > 0n,
            ...(env.mirror ? { mirror: true as const } : {}),
          },
        });
      },
    });
    recorded = true;
    if (outcome.destinationGone) throw new AppError("not_found", "Unknown destination");
    return {
      attempt: await readAttempt(pool, destination, owner),
      destination: await getDestination(pool, actor, destination),
      timingsChanged: outcome.timingsWritten,
    };
  } finally {
    // recordAttempt releases the claim with the attempt; anything that went wrong before gives it back.
    if (!recorded) await releaseClaims(pool, owner, [destination]).catch(() => {});
  }
}

async function readAttempt(pool: pg.Pool, destination: string, owner: string): Promise<AttemptRow> {
  const r = await pool.query<AttemptSqlRow>(
    `SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE destination = $1 AND scheduler = $2 ORDER BY id DESC LIMIT 1`,
    [destination, owner],
  );
  if (r.rowCount === 0) throw new AppError("not_found", "Unknown destination"); // forgotten right after
  return toAttemptRow(r.rows[0]);
}
