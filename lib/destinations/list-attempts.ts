// A destination's connection attempts, newest first (the scheduler keeps a bounded history):
// the console's timeline (listAttempts) and the API's pages of it (listAttemptsPage) read the
// same rows with the same query.
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import { assertDestinationExists, assertStorableName } from "./get-destination";
import type { AttemptResult } from "../federation/attempt-result";

/** A recorded attempt: what the attempt found, plus when and why it ran (stored as text). */
export type AttemptRow = Omit<AttemptResult, "outcome" | "stage"> & {
  id: bigint;
  startedTs: bigint;
  trigger: string;
  outcome: string;
  stage: string;
};

export const MAX_ATTEMPTS_SHOWN = 200;

export async function listAttempts(
  pool: pg.Pool,
  actor: Principal,
  destination: string,
  opts: { limit?: number } = {},
): Promise<AttemptRow[]> {
  requireRole(actor, "viewer", "view destinations");
  assertStorableName(destination);
  return readAttempts(pool, destination, clampLimit(opts.limit ?? 50), null);
}

/** A page of the history; `nextBefore` is the `before` of the next older page, null on the oldest. */
export type AttemptsPage = { attempts: AttemptRow[]; nextBefore: bigint | null };

/**
 * The attempts older than `before` (an attempt id; null = from the newest), at most `limit`
 * (1…MAX_ATTEMPTS_SHOWN). Unknown destination: not_found. Ids only grow, so paging by id never
 * repeats or skips an attempt while new ones are recorded (trimmed ones are gone, of course).
 */
export async function listAttemptsPage(
  pool: pg.Pool,
  actor: Principal,
  destination: string,
  q: { limit: number; before: bigint | null },
): Promise<AttemptsPage> {
  requireRole(actor, "viewer", "view destinations");
  assertStorableName(destination);
  const limit = clampLimit(q.limit);
  const [rows] = await Promise.all([
    readAttempts(pool, destination, limit + 1, q.before),
    assertDestinationExists(pool, destination),
  ]);
  const more = rows.length > limit;
  const attempts = more ? rows.slice(0, limit) : rows;
  return { attempts, nextBefore: more ? attempts[attempts.length - 1].id : null };
}

const clampLimit = (n: number) => Math.min(Math.max(1, n), MAX_ATTEMPTS_SHOWN);

async function readAttempts(
  pool: pg.Pool,
  destination: string,
  limit: number,
  before: bigint | null,
): Promise<AttemptRow[]> {
  const r = await pool.query<AttemptSqlRow>(
    `SELECT ${ATTEMPT_COLUMNS}
     FROM attempts WHERE destination = $1 ${before === null ? "" : "AND id < $3"} ORDER BY attempts.id DESC LIMIT $2`,
    before === null ? [destination, limit] : [destination, limit, before.toString()],
  );
  return r.rows.map(toAttemptRow);
}

/** The columns of an AttemptRow, as toAttemptRow reads them (also "Attempt now"'s read-back). */
export const ATTEMPT_COLUMNS = `id::text AS id, started_ts::text AS started_ts, duration_ms, trigger, outcome, stage, reason,
  message, http_status, resolved_address, server_software, server_version`;

export type AttemptSqlRow = {
  id: string;
  started_ts: string;
  duration_ms: number;
  trigger: string;
  outcome: string;
  stage: string;
  reason: string | null;
  message: string | null;
  http_status: number | null;
  resolved_address: string | null;
  server_software: string | null;
  server_version: string | null;
};

export function toAttemptRow(a: AttemptSqlRow): AttemptRow {
  return {
    id: BigInt(a.id),
    startedTs: BigInt(a.started_ts),
    durationMs: a.duration_ms,
    trigger: a.trigger,
    outcome: a.outcome,
    stage: a.stage,
    reason: a.reason,
    message: a.message,
    httpStatus: a.http_status,
    resolvedAddress: a.resolved_address,
    serverSoftware: a.server_software,
    serverVersion: a.server_version,
  };
}
