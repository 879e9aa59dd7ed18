// The overview page's data in one call: counts by status and failing by reason (the latest
// history snapshot: one row, never a count over the table), the exact total (destination_count),
// the most-affecting failures (partial indexes of the operations migration, ten rows each) and
// the history charts. Cheap at a million destinations (bench/overview.ts). Named statements: each
// connection plans them once (planning over the ~30 indexes of destinations costs more than
// running these ten-row walks).
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import { FAILURE_CATEGORY_LABELS, countByCategory, type FailureCategory } from "./failure-categories";
import { latestPoint, type LatestPoint } from "./latest-point";
import { readHistory, type History, type HistoryRange } from "./read-history";

export const PANEL_ROWS = 10;

export type FailingRow = {
  destination: string;
  roomsCount: number;
  failureTs: bigint | null;
  lastErrorKind: string | null;
  lastOutcome: string | null;
  nextRetryTs: bigint;
};
export type RecoveredRow = { destination: string; roomsCount: number; recoveredTs: bigint };
/** A certificate seen (by an attempt or a check) expiring within FEDCONSOLE_ALERT_CERT_WARNING. */
export type ExpiringRow = { destination: string; notAfterMs: bigint };

export type Overview = {
  point: LatestPoint | null;
  /** The exact number of destinations now. */
  known: bigint;
  failingByReason: { category: FailureCategory; label: string; count: number }[];
  byImpact: FailingRow[];
  recentlyFailed: FailingRow[];
  recentlyRecovered: RecoveredRow[];
  certificateExpired: FailingRow[];
  certificateExpiring: ExpiringRow[];
  history: History;
};

// Cast columns get names of their own: an ORDER BY of a bare name takes the output column first,
// and sorting by failure_ts::text would be a sort of the table instead of an index walk.
const FAILING_COLUMNS = `destination, rooms_count, failure_ts::text AS failure_text, last_error_kind, last_outcome,
  (retry_last_ts::numeric + retry_interval)::text AS next_retry`;
type FailingSql = {
  destination: string;
  rooms_count: number;
  failure_text: string | null;
  last_error_kind: string | null;
  last_outcome: string | null;
  next_retry: string;
};
const failing = (r: FailingSql): FailingRow => ({
  destination: r.destination,
  roomsCount: r.rooms_count,
  failureTs: r.failure_text === null ? null : BigInt(r.failure_text),
  lastErrorKind: r.last_error_kind,
  lastOutcome: r.last_outcome,
  nextRetryTs: BigInt(r.next_retry),
});

export async function getOverview(
  pool: pg.Pool,
  actor: Principal,
  o: { range: HistoryRange; nowMs: number },
): Promise<Overview> {
  requireRole(actor, "viewer", "view the overview");
  const [point, known, byImpact, recentlyFailed, recovered, certificateExpired, expiring, history] = await Promise.all([
    latestPoint(pool),
    pool.query<{ n: string }>({ name: "ops-known", text: "SELECT n::text FROM destination_count" }),
    pool.query<FailingSql>({
      name: "ops-by-impact",
      text: `SELECT ${FAILING_COLUMNS} FROM destinations WHERE retry_last_ts > 0 ORDER BY rooms_count DESC, destination LIMIT ${PANEL_ROWS}`,
    }),
    pool.query<FailingSql>({
      name: "ops-recently-failed",
      text: `SELECT ${FAILING_COLUMNS} FROM destinations WHERE retry_last_ts > 0
       ORDER BY failure_ts DESC NULLS LAST, destination LIMIT ${PANEL_ROWS}`,
    }),
    // Recovered and still fine: not failing again, no reset still waiting for its attempt.
    pool.query<{ destination: string; rooms_count: number; recovered_text: string }>({
      name: "ops-recovered",
      text: `SELECT destination, rooms_count, recovered_ts::text AS recovered_text FROM destinations
       WHERE recovered_ts IS NOT NULL AND retry_last_ts = 0 AND wake_requested_at IS NULL
       ORDER BY recovered_ts DESC, destination LIMIT ${PANEL_ROWS}`,
    }),
    pool.query<FailingSql>({
      name: "ops-cert-expired",
      text: `SELECT ${FAILING_COLUMNS} FROM destinations WHERE retry_last_ts > 0 AND last_error_kind = 'CERT_EXPIRED'
       ORDER BY failure_ts DESC LIMIT ${PANEL_ROWS}`,
    }),
    // Still ahead: the ones already expired show in the list above once attempts fail on them.
    pool.query<{ destination: string; not_after_text: string }>({
      name: "ops-cert-expiring",
      text: `SELECT destination, cert_announced_not_after::text AS not_after_text FROM alert_states
       WHERE cert_announced_not_after IS NOT NULL AND cert_announced_not_after > $1
       ORDER BY cert_announced_not_after, destination LIMIT ${PANEL_ROWS}`,
      values: [o.nowMs],
    }),
    readHistory(pool, o.range, o.nowMs),
  ]);
  return {
    point,
    known: BigInt(known.rows[0]?.n ?? "0"),
    failingByReason: point
      ? countByCategory(point.failingKinds).map((c) => ({ ...c, label: FAILURE_CATEGORY_LABELS[c.category] }))
      : [],
    byImpact: byImpact.rows.map(failing),
    recentlyFailed: recentlyFailed.rows.map(failing),
    recentlyRecovered: recovered.rows.map((r) => ({
      destination: r.destination,
      roomsCount: r.rooms_count,
      recoveredTs: BigInt(r.recovered_text),
    })),
    certificateExpired: certificateExpired.rows.map(failing),
    certificateExpiring: expiring.rows.map((r) => ({
      destination: r.destination,
      notAfterMs: BigInt(r.not_after_text),
    })),
    history,
  };
}
