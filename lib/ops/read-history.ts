// The overview's chart data: destinations by status and attempts per minute by outcome over a
// range. 24 h reads the minute points in 2-minute buckets (720 points: more than a chart's
// width in pixels would not show, and the page stays small), 7 d and 30 d the hourly ones (168
// and 720 points); read by primary key.
import type { Queryable } from "../db/transaction";
import { STATUS_KINDS, type StatusKind } from "../destinations/destination-status";
import { HOUR_MS } from "./downsample";

export const HISTORY_RANGES = ["24h", "7d", "30d"] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];

const RANGE: Record<HistoryRange, { spanMs: number; resolution: "minute" | "hour"; bucketMs: number }> = {
  "24h": { spanMs: 24 * HOUR_MS, resolution: "minute", bucketMs: 120_000 },
  "7d": { spanMs: 7 * 24 * HOUR_MS, resolution: "hour", bucketMs: HOUR_MS },
  "30d": { spanMs: 30 * 24 * HOUR_MS, resolution: "hour", bucketMs: HOUR_MS },
};

export const ATTEMPT_OUTCOMES = ["success", "failure", "neutral"] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** Column arrays (uPlot's shape): times in seconds, then one value per time for each series. */
export type History = {
  range: HistoryRange;
  ts: number[];
  status: Record<StatusKind, number[]>;
  /** Attempts per minute over each point's span; null where the span is unknown (the first point). */
  attemptsPerMinute: Record<AttemptOutcome, (number | null)[]>;
};

export async function readHistory(db: Queryable, range: HistoryRange, nowMs: number): Promise<History> {
  const r = RANGE[range];
  const rows = await db.query<Record<string, string | null>>({
    name: "ops-history",
    text: `SELECT (ts / $2::bigint) * $2::bigint AS t, ${STATUS_KINDS.map((k) => `round(avg(${k}))::text AS ${k}`).join(", ")},
            ${ATTEMPT_OUTCOMES.map((o) => `sum(attempts_${o})::text AS ${o}`).join(", ")}, sum(span_ms)::text AS span
     FROM ops_points WHERE resolution = $1 AND ts >= $3::bigint GROUP BY 1 ORDER BY 1`,
    values: [r.resolution, r.bucketMs, nowMs - r.spanMs],
  });
  const h: History = {
    range,
    ts: [],
    status: Object.fromEntries(STATUS_KINDS.map((k) => [k, []])) as unknown as History["status"],
    attemptsPerMinute: { success: [], failure: [], neutral: [] },
  };
  for (const row of rows.rows) {
    h.ts.push(Number(row.t) / 1000);
    for (const k of STATUS_KINDS) h.status[k].push(Number(row[k]));
    const span = Number(row.span);
    for (const o of ATTEMPT_OUTCOMES)
      h.attemptsPerMinute[o].push(span > 0 ? Math.round((Number(row[o]) * 60_000 * 100) / span) / 100 : null);
  }
  return h;
}
