// Bounded history: 1-minute points (one per snapshot) for 7 days, hourly points for a year.
// The hour's point is recomputed from its minute points at every snapshot, so it is complete
// once the hour ends and its minute points can go: statuses averaged, attempts and spans summed.
import type { Queryable } from "../db/transaction";

export const HOUR_MS = 3_600_000;
export const MINUTE_RETENTION_MS = 7 * 24 * HOUR_MS;
export const HOUR_RETENTION_MS = 365 * 24 * HOUR_MS;

const AVERAGED = [
  "total",
  "healthy",
  "retrying",
  "never_contacted",
  "reachable_backing_off",
  "backing_off",
  "blocked",
  "due_now",
];
const SUMMED = ["span_ms", "attempts_success", "attempts_failure", "attempts_neutral"];

/** Rewrites the hourly point of the hour holding `nowMs` from that hour's minute points. */
export async function downsampleHour(c: Queryable, nowMs: number): Promise<void> {
  const hour = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const cols = [...AVERAGED, ...SUMMED];
  await c.query(
    `INSERT INTO ops_points (resolution, ts, samples, ${cols.join(", ")})
     SELECT 'hour', $1::bigint, count(*), ${AVERAGED.map((k) => `round(avg(${k}))`).join(", ")},
            ${SUMMED.map((k) => `sum(${k})`).join(", ")}
     FROM ops_points WHERE resolution = 'minute' AND ts >= $1::bigint AND ts < $1::bigint + ${HOUR_MS}
     HAVING count(*) > 0
     ON CONFLICT (resolution, ts) DO UPDATE SET samples = EXCLUDED.samples,
       ${cols.map((k) => `${k} = EXCLUDED.${k}`).join(", ")}`,
    [hour],
  );
}

export async function pruneHistory(c: Queryable, nowMs: number): Promise<void> {
  await c.query(
    `DELETE FROM ops_points WHERE (resolution = 'minute' AND ts < $1::bigint) OR (resolution = 'hour' AND ts < $2::bigint)`,
    [nowMs - MINUTE_RETENTION_MS, nowMs - HOUR_RETENTION_MS],
  );
}
