// Claims due destinations for one scheduler: a conditional UPDATE over rows picked with
// FOR UPDATE SKIP LOCKED, so two schedulers on one PostgreSQL never take the same row, and a
// lease (claimed_until) so a killed scheduler's claims expire instead of sticking.
// Each kind of "due" walks its own partial index: the cost is what is due, not the table.
import type pg from "pg";
import type { Timings } from "./backoff";
import { prepared } from "../db/prepared";
import type { Queryable } from "../db/transaction";
import { IN_NAMES } from "../destinations/name-list";
import { announceChanged } from "../live/announce";

/** schedule: backoff expired or health check; reset: an operator's reset; probe: mirror mode's sync saw a failure; manual: on demand. */
export type AttemptTrigger = "schedule" | "reset" | "probe" | "manual";

export type Claim = {
  destination: string;
  trigger: AttemptTrigger;
  /** Timings as claimed: the attempt's outcome is applied to these, and only if unchanged. */
  timings: Timings;
  wakeRequestedAt: bigint | null;
};

export type ClaimOptions = {
  limit: number;
  nowMs: number;
  leaseMs: number;
  owner: string;
  healthIntervalMs: number;
  /** Mirror mode: the homeserver keeps the timings, so only asked-for attempts (resets, probes) are due. */
  probeOnly?: boolean;
};

type Row = {
  destination: string;
  retry_last_ts: string;
  retry_interval: string;
  failure_ts: string | null;
  wake_requested_at: string | null;
  wake_trigger: string | null;
};

const NOT_CLAIMED = "(claimed_until IS NULL OR claimed_until < $1)";

// Most urgent first: asked-for attempts (reset), then backoff expiries, then health checks.
const SOURCES: { name: string; trigger: AttemptTrigger; where: string; order: string; health?: boolean }[] = [
  { name: "fc_claim_reset", trigger: "reset", where: "wake_requested_at IS NOT NULL", order: "wake_requested_at" },
  // numeric, as in the index: the sum of two bigints can overflow.
  {
    name: "fc_claim_backoff",
    trigger: "schedule",
    where: "retry_last_ts > 0 AND retry_last_ts::numeric + retry_interval <= $1",
    order: "retry_last_ts::numeric + retry_interval",
  },
  {
    name: "fc_claim_health",
    trigger: "schedule",
    where: "retry_last_ts = 0 AND (last_attempt_ts IS NULL OR last_attempt_ts <= $1 - $5::bigint)",
    order: "last_attempt_ts ASC NULLS FIRST",
    health: true,
  },
];

export async function claimDue(pool: pg.Pool, o: ClaimOptions): Promise<Claim[]> {
  const claims: Claim[] = [];
  for (const src of SOURCES) {
    const want = o.limit - claims.length;
    if (want <= 0) break;
    if (src.health && o.healthIntervalMs <= 0) continue;
    if (o.probeOnly && src.trigger !== "reset") continue;
    const args: unknown[] = [o.nowMs, o.nowMs + o.leaseMs, o.owner, want];
    if (src.health) args.push(o.healthIntervalMs);
    const r = await pool.query<Row>(
      prepared(
        src.name,
        `UPDATE destinations d SET claimed_until = $2, claimed_by = $3
         FROM (SELECT destination FROM destinations WHERE ${src.where} AND ${NOT_CLAIMED}
               ORDER BY ${src.order} LIMIT $4 FOR UPDATE SKIP LOCKED) c
         WHERE d.destination = c.destination
         RETURNING d.destination, d.retry_last_ts, d.retry_interval, d.failure_ts, d.wake_requested_at, d.wake_trigger`,
        args,
      ),
    );
    for (const row of r.rows) {
      claims.push({
        destination: row.destination,
        trigger: src.trigger === "reset" && row.wake_trigger === "probe" ? "probe" : src.trigger,
        timings: {
          retryLastTs: BigInt(row.retry_last_ts),
          retryInterval: BigInt(row.retry_interval),
          failureTs: row.failure_ts === null ? null : BigInt(row.failure_ts),
        },
        wakeRequestedAt: row.wake_requested_at === null ? null : BigInt(row.wake_requested_at),
      });
    }
  }
  // Claimed rows read "Retrying now" on open console pages (batched: lib/live/announce.ts).
  if (claims.length)
    announceChanged(
      pool,
      claims.map((c) => c.destination),
    );
  return claims;
}

export type ClaimOneOptions = { nowMs: number; leaseMs: number; owner: string; trigger: AttemptTrigger };

/**
 * Claims one named destination now, whether due or not (an operator's "Attempt now"), with the
 * very claim the scheduler takes: the same columns, the same lease, the same "not claimed"
 * test. A row a scheduler is claiming at this moment is locked; this UPDATE waits for it and
 * then sees the scheduler's claim, so the two never both hold it. A pending reset's wake is
 * left alone (wakeRequestedAt null): the scheduler still makes the attempt the reset asked for.
 * Returns the claim, "claimed" when someone holds it, or null for an unknown destination.
 */
export async function claimDestination(
  db: Queryable,
  destination: string,
  o: ClaimOneOptions,
): Promise<Claim | "claimed" | null> {
  const r = await db.query<Pick<Row, "retry_last_ts" | "retry_interval" | "failure_ts"> & { taken: boolean | null }>(
    `WITH taken AS (UPDATE destinations SET claimed_until = $3, claimed_by = $4
                    WHERE destination = $1 AND (claimed_until IS NULL OR claimed_until < $2)
                    RETURNING retry_last_ts, retry_interval, failure_ts, true AS taken)
     SELECT k.retry_last_ts, k.retry_interval, k.failure_ts, k.taken
     FROM destinations d LEFT JOIN taken k ON true WHERE d.destination = $1`,
    [destination, o.nowMs, o.nowMs + o.leaseMs, o.owner],
  );
  if (r.rowCount === 0) return null;
  const row = r.rows[0];
  if (row.taken !== true) return "claimed";
  return {
    destination,
    trigger: o.trigger,
    timings: {
      retryLastTs: BigInt(row.retry_last_ts),
      retryInterval: BigInt(row.retry_interval),
      failureTs: row.failure_ts === null ? null : BigInt(row.failure_ts),
    },
    wakeRequestedAt: null,
  };
}

/** Gives claims back (shutdown): the destinations become claimable at once by anyone. */
/**
 * Releases this owner's claims except `keep` (what it is working on). After a lost connection
 * a claim may have committed without the owner hearing of it; released now, it is attempted
 * at once instead of when its lease runs out. Returns how many were released.
 */
export async function releaseStrayClaims(pool: pg.Pool, owner: string, keep: string[]): Promise<number> {
  const r = await pool.query<{ destination: string }>(
    "UPDATE destinations SET claimed_until = NULL, claimed_by = NULL WHERE claimed_until IS NOT NULL AND claimed_by = $1 AND NOT (destination = ANY($2)) RETURNING destination",
    [owner, keep],
  );
  announceChanged(
    pool,
    r.rows.map((x) => x.destination),
  );
  return r.rowCount ?? 0;
}

export async function releaseClaims(pool: pg.Pool, owner: string, destinations: string[]): Promise<void> {
  if (destinations.length === 0) return;
  await pool.query(
    `UPDATE destinations SET claimed_until = NULL, claimed_by = NULL WHERE claimed_by = $1 AND ${IN_NAMES("$2")}`,
    [owner, destinations],
  );
  announceChanged(pool, destinations);
}
