// Stored check reports: the row a check starts (counted by the rate limit), its result, the
// history bound per server name, and the reads the console, API and fedctl share.
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import type { Queryable } from "../db/transaction";
import { AppError } from "../errors";
import type { CheckReport } from "./report-model";

export type StoredCheck = {
  id: bigint;
  serverName: string;
  trigger: string;
  requestedBy: string;
  via: string;
  startedAt: Date;
  finishedAt: Date | null;
  federationOk: boolean | null;
  headline: string | null;
  /** null while the check runs (or if it stopped unexpectedly). */
  report: CheckReport | null;
};

type Row = {
  id: string;
  server_name: string;
  trigger: string;
  requested_email: string;
  requested_via: string;
  started_at: Date;
  finished_at: Date | null;
  federation_ok: boolean | null;
  headline: string | null;
  report: CheckReport | null;
};

const COLUMNS = `id::text AS id, server_name, trigger, requested_email, requested_via, started_at, finished_at,
  federation_ok, headline`;

function toStored(r: Row): StoredCheck {
  return {
    id: BigInt(r.id),
    serverName: r.server_name,
    trigger: r.trigger,
    requestedBy: r.requested_email,
    via: r.requested_via,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    federationOk: r.federation_ok,
    headline: r.headline,
    report: r.report ?? null,
  };
}

export async function insertRunningCheck(tx: Queryable, actor: Principal, serverName: string): Promise<bigint> {
  const r = await tx.query<{ id: string }>(
    `INSERT INTO check_reports (server_name, trigger, requested_by, requested_email, requested_via)
     VALUES ($1, 'manual', $2, $3, $4) RETURNING id::text AS id`,
    [serverName, actor.userId, actor.email, actor.via],
  );
  return BigInt(r.rows[0].id);
}

/** Writes the result and drops the oldest reports of that name beyond `history`. */
export async function finishCheck(pool: pg.Pool, id: bigint, report: CheckReport, history: number): Promise<void> {
  await pool.query(
    `WITH done AS (
       UPDATE check_reports SET finished_at = now(), federation_ok = $2, headline = $3, report = $4::jsonb
       WHERE id = $1 RETURNING server_name)
     DELETE FROM check_reports WHERE server_name = (SELECT server_name FROM done) AND id NOT IN (
       SELECT id FROM check_reports WHERE server_name = (SELECT server_name FROM done) ORDER BY id DESC LIMIT $5)`,
    [id.toString(), report.summary.federationOk, report.summary.headline, JSON.stringify(report), history],
  );
}

/** Reports of names that are not destinations beyond the newest `keep` of them all: dropped. */
export const OTHER_NAMES_KEPT = 1_000;

export async function pruneOtherNames(pool: pg.Pool, keep = OTHER_NAMES_KEPT): Promise<number> {
  const r = await pool.query(
    `WITH others AS (
       SELECT c.id FROM check_reports c
       WHERE NOT EXISTS (SELECT 1 FROM destinations d WHERE d.destination = c.server_name)
       ORDER BY c.id DESC OFFSET $1)
     DELETE FROM check_reports WHERE id IN (SELECT id FROM others)`,
    [keep],
  );
  return r.rowCount ?? 0;
}

export async function abandonCheck(pool: pg.Pool, id: bigint): Promise<void> {
  await pool.query(
    "UPDATE check_reports SET finished_at = now(), headline = 'The check stopped unexpectedly' WHERE id = $1",
    [id.toString()],
  );
}

export const MAX_CHECKS_LISTED = 100;

/** A server name's reports, newest first, without the report bodies (use getCheck for one). */
export async function listChecks(
  pool: pg.Pool,
  actor: Principal,
  serverName: string,
  opts: { limit?: number; withReports?: boolean } = {},
): Promise<StoredCheck[]> {
  requireRole(actor, "viewer", "read federation checks");
  if (serverName.includes("\0")) return [];
  const limit = Math.min(Math.max(1, opts.limit ?? 20), MAX_CHECKS_LISTED);
  const r = await pool.query<Row>(
    `SELECT ${COLUMNS}${opts.withReports ? ", report" : ""} FROM check_reports
     WHERE server_name = $1 ORDER BY id DESC LIMIT $2`,
    [serverName, limit],
  );
  return r.rows.map(toStored);
}

/** Whether `name` is a destination (the API's per-destination check routes answer 404 otherwise). */
export async function isDestination(pool: pg.Pool, name: string): Promise<boolean> {
  if (name.includes("\0")) return false;
  const r = await pool.query("SELECT 1 FROM destinations WHERE destination = $1", [name]);
  return (r.rowCount ?? 0) > 0;
}

/**
 * A destination's stored checks for the API: the newest `limit`, and how many are stored in all
 * (`total`, not the page's length). 404 for a name that is not a destination, like a new check.
 */
export async function listDestinationChecks(
  pool: pg.Pool,
  actor: Principal,
  destination: string,
  limit: number,
): Promise<{ checks: StoredCheck[]; total: number }> {
  requireRole(actor, "viewer", "read federation checks");
  if (!(await isDestination(pool, destination))) throw new AppError("not_found", "Unknown destination");
  const [checks, count] = await Promise.all([
    listChecks(pool, actor, destination, { limit }),
    pool.query<{ n: number }>("SELECT count(*)::int AS n FROM check_reports WHERE server_name = $1", [destination]),
  ]);
  return { checks, total: count.rows[0].n };
}

/** One report by id; `serverName` given = it must be that name's (404 otherwise). */
export async function getCheck(pool: pg.Pool, actor: Principal, id: string, serverName?: string): Promise<StoredCheck> {
  requireRole(actor, "viewer", "read federation checks");
  if (!/^\d{1,18}$/.test(id)) throw new AppError("not_found", "Unknown check");
  const r = await pool.query<Row>(`SELECT ${COLUMNS}, report FROM check_reports WHERE id = $1`, [id]);
  const row = r.rows[0];
  if (row === undefined || (serverName !== undefined && row.server_name !== serverName)) {
    throw new AppError("not_found", "Unknown check");
  }
  return toStored(row);
}
