// A destination's availability over its kept attempt history (FEDERATION_ATTEMPT_HISTORY per
// destination): the share of successful attempts, and the newest attempts oldest-first for the
// status-page strip. One index range read of attempts (destination, id).
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";

export const STRIP_CELLS = 90;

export type StripCell = { id: bigint; startedTs: bigint; outcome: string; reason: string | null };
export type Availability = { attempts: number; successes: number; failures: number; strip: StripCell[] };

export async function getAvailability(pool: pg.Pool, actor: Principal, destination: string): Promise<Availability> {
  requireRole(actor, "viewer", "view destinations");
  const [counts, cells] = await Promise.all([
    pool.query<{ outcome: string; n: number }>(
      "SELECT outcome, count(*)::int AS n FROM attempts WHERE destination = $1 GROUP BY outcome",
      [destination],
    ),
    // Renamed casts: ORDER BY id must be the number (an output column named id would be text).
    pool.query<{ id_text: string; started_text: string; outcome: string; reason: string | null }>(
      "SELECT id::text AS id_text, started_ts::text AS started_text, outcome, reason FROM attempts WHERE destination = $1 ORDER BY id DESC LIMIT $2",
      [destination, STRIP_CELLS],
    ),
  ]);
  const by = new Map(counts.rows.map((r) => [r.outcome, r.n]));
  return {
    attempts: counts.rows.reduce((a, r) => a + r.n, 0),
    successes: by.get("success") ?? 0,
    failures: by.get("failure") ?? 0,
    strip: cells.rows
      .map((r) => ({ id: BigInt(r.id_text), startedTs: BigInt(r.started_text), outcome: r.outcome, reason: r.reason }))
      .reverse(),
  };
}

/** "97.5 %" — one decimal, never rounding a failure away to 100 % (or a success to 0 %). */
export function formatShare(part: number, whole: number): string {
  if (whole === 0) return "—";
  const p = (part * 100) / whole;
  const shown = p > 99.9 && part < whole ? 99.9 : p < 0.1 && part > 0 ? 0.1 : Math.round(p * 10) / 10;
  return `${shown.toFixed(1)} %`;
}
