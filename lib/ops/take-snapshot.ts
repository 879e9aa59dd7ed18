// One history point: destinations by status (the list's own filter rules), the failing ones by
// reason, how many are due, and the attempts recorded since the previous point by outcome. Taken
// by one process at a time across every process on the database (a transaction-scoped advisory
// lock, then "is the latest point old enough?"), so several schedulers write one series.
//
// Cost: one scan of destinations (1.4 s at a million rows on a busy 2-core machine, once per interval, by one process)
// and a walk of attempts.id past the previous point; the overview and /metrics then read this row
// instead of counting the table per view. Attempts are counted by id: one whose transaction
// commits while a snapshot is taken, with an id below the snapshot's newest, is not counted.
import type pg from "pg";
import { withTransaction, type Queryable } from "../db/transaction";
import { STATUS_KINDS, statusFilterSql } from "../destinations/destination-status";
import { downsampleHour, pruneHistory } from "./downsample";
import { REACHABLE_KIND } from "./failure-categories";

/** pg_try_advisory_xact_lock key of the snapshot writer ("fcop"). */
export const SNAPSHOT_LOCK_KEY = 0x6663_6f70;

export type SnapshotOptions = {
  nowMs: number;
  intervalMs: number;
  /** The scheduler's health interval (0 = healthy destinations are never re-checked): part of "due now". */
  healthIntervalMs: number;
  /** Mirror mode: only asked-for attempts are due. */
  probeOnly: boolean;
};

export type SnapshotResult = { written: boolean; reason?: "locked" | "recent" };

type CountRow = Record<(typeof STATUS_KINDS)[number] | "total" | "due_now", string> & { kind: string | null };

export async function takeSnapshot(pool: pg.Pool, o: SnapshotOptions): Promise<SnapshotResult> {
  return withTransaction(pool, async (c) => {
    const lock = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS ok", [SNAPSHOT_LOCK_KEY]);
    if (!lock.rows[0].ok) return { written: false, reason: "locked" };
    // (the casts are renamed so that ORDER BY ts is the column's: an index walk)
    const prev = await c.query<{ ts_text: string; last_attempt_id: string | null }>(
      "SELECT ts::text AS ts_text, last_attempt_id::text FROM ops_points WHERE resolution = 'minute' ORDER BY ts DESC LIMIT 1",
    );
    const last = prev.rows[0];
    // Another process wrote one within this interval (their timers are not in step).
    if (last && o.nowMs - Number(last.ts_text) < o.intervalMs * 0.9) return { written: false, reason: "recent" };
    const t0 = performance.now();
    const counts = await countDestinations(c, o);
    const attempts = await countAttempts(c, last?.last_attempt_id ?? null);
    const spanMs = last ? Math.max(0, o.nowMs - Number(last.ts_text)) : 0;
    const takenMs = Math.round(performance.now() - t0);
    await c.query(
      `INSERT INTO ops_points (resolution, ts, span_ms, total, healthy, retrying, never_contacted, reachable_backing_off,
         backing_off, blocked, due_now, attempts_success, attempts_failure, attempts_neutral, last_attempt_id,
         failing_kinds, taken_ms)
       VALUES ('minute', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (resolution, ts) DO NOTHING`,
      [
        o.nowMs,
        spanMs,
        counts.total,
        counts.healthy,
        counts.retrying,
        counts.never_contacted,
        counts.reachable_backing_off,
        counts.backing_off,
        counts.blocked,
        counts.due_now,
        attempts.success,
        attempts.failure,
        attempts.neutral,
        attempts.lastId,
        JSON.stringify(counts.failingKinds),
        takenMs,
      ],
    );
    await downsampleHour(c, o.nowMs);
    await pruneHistory(c, o.nowMs);
    return { written: true };
  });
}

async function countDestinations(c: Queryable, o: SnapshotOptions) {
  const notClaimed = "(claimed_until IS NULL OR claimed_until < $1::bigint)";
  const due = o.probeOnly
    ? `(wake_requested_at IS NOT NULL AND ${notClaimed})`
    : `((wake_requested_at IS NOT NULL
         OR (retry_last_ts > 0 AND retry_last_ts::numeric + retry_interval <= $1::bigint)
         OR ($2::bigint > 0 AND retry_last_ts = 0 AND (last_attempt_ts IS NULL OR last_attempt_ts <= $1::bigint - $2::bigint)))
        AND ${notClaimed})`;
  const perStatus = STATUS_KINDS.map((k) => `count(*) FILTER (WHERE ${statusFilterSql(k, "$1")}) AS ${k}`).join(", ");
  const r = await c.query<CountRow>(
    `SELECT CASE WHEN retry_last_ts > 0 THEN COALESCE(last_error_kind,
              CASE WHEN last_outcome = 'success' THEN '${REACHABLE_KIND}' ELSE '' END) END AS kind, count(*) AS total,
            ${perStatus}, count(*) FILTER (WHERE ${due}) AS due_now
     FROM destinations GROUP BY 1`,
    [o.nowMs, o.healthIntervalMs],
  );
  const sums = { total: 0, due_now: 0, ...Object.fromEntries(STATUS_KINDS.map((k) => [k, 0])) } as Record<
    (typeof STATUS_KINDS)[number] | "total" | "due_now",
    number
  >;
  const failingKinds: Record<string, number> = {};
  for (const row of r.rows) {
    for (const k of Object.keys(sums) as (keyof typeof sums)[]) sums[k] += Number(row[k]);
    if (row.kind !== null) failingKinds[row.kind] = Number(row.total);
  }
  return { ...sums, failingKinds };
}

async function countAttempts(c: Queryable, afterId: string | null) {
  if (afterId === null) {
    // The first point: nothing to compare with, start counting from here.
    const r = await c.query<{ id: string | null }>("SELECT max(id)::text AS id FROM attempts");
    return { success: 0, failure: 0, neutral: 0, lastId: r.rows[0].id ?? "0" };
  }
  const r = await c.query<{ outcome: string; n: string; max_id: string }>(
    "SELECT outcome, count(*) AS n, max(id)::text AS max_id FROM attempts WHERE id > $1 GROUP BY outcome",
    [afterId],
  );
  const out = { success: 0, failure: 0, neutral: 0, lastId: afterId };
  for (const row of r.rows) {
    if (row.outcome === "success" || row.outcome === "failure" || row.outcome === "neutral")
      out[row.outcome] += Number(row.n);
    if (BigInt(row.max_id) > BigInt(out.lastId)) out.lastId = row.max_id;
  }
  return out;
}
