// The sync's state (one row) and its log of passes: what the console header, the sync page,
// /health, fedctl upstream status and GET /_fedconsole/v1/upstream show.
import type pg from "pg";
import type { Queryable } from "../db/transaction";

export type PassKind = "full" | "recent";
export type PassStatus = "running" | "ok" | "partial" | "failed";

export type PassCounts = {
  upstreamTotal: bigint | null;
  rowsSeen: number;
  rowsAdded: number;
  rowsChanged: number;
  rowsRemoved: number;
  roomsWritten: number;
  requests: number;
  errors: number;
};

export const emptyCounts = (): PassCounts => ({
  upstreamTotal: null,
  rowsSeen: 0,
  rowsAdded: 0,
  rowsChanged: 0,
  rowsRemoved: 0,
  roomsWritten: 0,
  requests: 0,
  errors: 0,
});

export type PassRow = PassCounts & {
  id: bigint;
  kind: PassKind;
  source: string;
  owner: string;
  startedAt: number;
  finishedAt: number | null;
  status: PassStatus;
  notes: string[];
  error: string | null;
  progressAt: number;
};

export type UpstreamStateRow = {
  source: string | null;
  lastFullOkAt: number | null;
  lastRecentOkAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  failingSince: number | null;
  watermark: bigint;
  headOffset: number;
  roomsCursor: string | null;
  failingRoomsCursor: string | null;
  fullRequestedAt: number | null;
};

/** Passes kept per kind. */
const KEEP_PASSES = 200;
/** Notes kept per pass (the first problems, in words). */
export const MAX_NOTES = 20;

const n = (v: string | null) => (v === null ? null : Number(v));

/** The state row, created on first use; a different source than last time starts afresh. */
export async function loadState(pool: Queryable, source: string): Promise<UpstreamStateRow> {
  await pool.query("INSERT INTO upstream_state (id, source) VALUES (true, $1) ON CONFLICT (id) DO NOTHING", [source]);
  await pool.query(
    `UPDATE upstream_state SET source = $1, watermark = 0, head_offset = 0, rooms_cursor = NULL, failing_rooms_cursor = NULL,
       last_full_ok_at = NULL, last_recent_ok_at = NULL
     WHERE source IS DISTINCT FROM $1`,
    [source],
  );
  return (await readState(pool))!;
}

export async function readState(pool: Queryable): Promise<UpstreamStateRow | null> {
  const r = await pool.query<Record<string, string | null>>(
    `SELECT source, last_full_ok_at::text, last_recent_ok_at::text, last_error, last_error_at::text,
            failing_since::text, watermark::text, head_offset::text, rooms_cursor, failing_rooms_cursor,
            full_requested_at::text
     FROM upstream_state WHERE id`,
  );
  const s = r.rows[0];
  if (!s) return null;
  return {
    source: s.source,
    lastFullOkAt: n(s.last_full_ok_at),
    lastRecentOkAt: n(s.last_recent_ok_at),
    lastError: s.last_error,
    lastErrorAt: n(s.last_error_at),
    failingSince: n(s.failing_since),
    watermark: BigInt(s.watermark ?? "0"),
    headOffset: Number(s.head_offset ?? 0),
    roomsCursor: s.rooms_cursor,
    failingRoomsCursor: s.failing_rooms_cursor,
    fullRequestedAt: n(s.full_requested_at),
  };
}

/** The upstream answered a whole pass of this kind. */
export async function markUpstreamOk(pool: Queryable, kind: PassKind, nowMs: number): Promise<void> {
  const col = kind === "full" ? "last_full_ok_at" : "last_recent_ok_at";
  await pool.query(`UPDATE upstream_state SET ${col} = $1, failing_since = NULL, last_error = NULL WHERE id`, [nowMs]);
}

/** The upstream failed (unreachable, token refused, bad answers): shown as a banner until it answers again. */
export async function markUpstreamFailed(pool: Queryable, error: string, nowMs: number): Promise<void> {
  await pool.query(
    "UPDATE upstream_state SET last_error = $1, last_error_at = $2, failing_since = COALESCE(failing_since, $2) WHERE id",
    [error, nowMs],
  );
}

export async function saveCursors(
  pool: Queryable,
  c: { watermark?: bigint; headOffset?: number; roomsCursor?: string | null; failingRoomsCursor?: string | null },
): Promise<void> {
  await pool.query(
    `UPDATE upstream_state SET watermark = COALESCE($1::bigint, watermark), head_offset = COALESCE($2::int, head_offset),
       rooms_cursor = CASE WHEN $3::boolean THEN $4 ELSE rooms_cursor END,
       failing_rooms_cursor = CASE WHEN $5::boolean THEN $6 ELSE failing_rooms_cursor END WHERE id`,
    [
      c.watermark?.toString() ?? null,
      c.headOffset ?? null,
      c.roomsCursor !== undefined,
      c.roomsCursor ?? null,
      c.failingRoomsCursor !== undefined,
      c.failingRoomsCursor ?? null,
    ],
  );
}

/** The recent-changes pass starts at the newest failure a full pass saw (never moved back). */
export async function raiseWatermark(pool: Queryable, newest: bigint): Promise<void> {
  await pool.query("UPDATE upstream_state SET watermark = $1 WHERE id AND watermark < $1", [newest.toString()]);
}

/** fedctl upstream sync: ask the running syncer for a full pass now (it also hears the NOTIFY). */
export const SYNC_CHANNEL = "fedconsole_upstream_sync";

export async function requestFullPass(pool: Queryable, nowMs: number): Promise<void> {
  await pool.query("INSERT INTO upstream_state (id) VALUES (true) ON CONFLICT (id) DO NOTHING");
  await pool.query("UPDATE upstream_state SET full_requested_at = $1 WHERE id", [nowMs]);
  await pool.query("SELECT pg_notify($1, 'full')", [SYNC_CHANNEL]);
}

export async function clearFullRequest(pool: Queryable, upTo: number): Promise<void> {
  await pool.query("UPDATE upstream_state SET full_requested_at = NULL WHERE id AND full_requested_at <= $1", [upTo]);
}

export async function startPass(
  pool: Queryable,
  p: { kind: PassKind; source: string; owner: string; nowMs: number },
): Promise<bigint> {
  const r = await pool.query<{ id: string }>(
    `INSERT INTO upstream_sync_passes (kind, source, owner, started_at, status, progress_at)
     VALUES ($1, $2, $3, $4, 'running', $4) RETURNING id::text`,
    [p.kind, p.source, p.owner, p.nowMs],
  );
  return BigInt(r.rows[0].id);
}

const countArgs = (c: PassCounts) => [
  c.upstreamTotal?.toString() ?? null,
  c.rowsSeen,
  c.rowsAdded,
  c.rowsChanged,
  c.rowsRemoved,
  c.roomsWritten,
  c.requests,
  c.errors,
];

const COUNT_SET = `upstream_total = $2, rows_seen = $3, rows_added = $4, rows_changed = $5, rows_removed = $6,
  rooms_written = $7, requests = $8, errors = $9`;

export async function reportProgress(pool: Queryable, id: bigint, c: PassCounts, nowMs: number): Promise<void> {
  await pool.query(`UPDATE upstream_sync_passes SET ${COUNT_SET}, progress_at = $10 WHERE id = $1`, [
    id.toString(),
    ...countArgs(c),
    nowMs,
  ]);
}

export async function finishPass(
  pool: pg.Pool,
  id: bigint,
  f: {
    status: Exclude<PassStatus, "running">;
    counts: PassCounts;
    notes: string[];
    error: string | null;
    nowMs: number;
  },
): Promise<void> {
  await pool.query(
    `UPDATE upstream_sync_passes SET ${COUNT_SET}, progress_at = $10, finished_at = $10, status = $11, notes = $12, error = $13
     WHERE id = $1`,
    [id.toString(), ...countArgs(f.counts), f.nowMs, f.status, f.notes.slice(0, MAX_NOTES), f.error],
  );
  await pool.query(
    `DELETE FROM upstream_sync_passes p WHERE p.kind = (SELECT kind FROM upstream_sync_passes WHERE id = $1)
       AND p.id < (SELECT id FROM upstream_sync_passes q WHERE q.kind = p.kind ORDER BY id DESC OFFSET $2 LIMIT 1)`,
    [id.toString(), KEEP_PASSES - 1],
  );
}

/** A pass left 'running' by a process that died: closed as failed when the next syncer starts. */
export async function closeAbandonedPasses(pool: Queryable, nowMs: number): Promise<void> {
  await pool.query(
    `UPDATE upstream_sync_passes SET status = 'failed', finished_at = $1,
       error = 'The syncing process stopped before the pass ended.' WHERE status = 'running'`,
    [nowMs],
  );
}

export async function listPasses(pool: Queryable, opts: { kind?: PassKind; limit: number }): Promise<PassRow[]> {
  const r = await pool.query<Record<string, string | null | string[]>>(
    `SELECT id::text, kind, source, owner, started_at::text, finished_at::text, status, upstream_total::text,
            rows_seen::text, rows_added::text, rows_changed::text, rows_removed::text, rooms_written::text,
            requests::text, errors::text, notes, error, progress_at::text
     FROM upstream_sync_passes WHERE ($1::text IS NULL OR kind = $1) ORDER BY id DESC LIMIT $2`,
    [opts.kind ?? null, opts.limit],
  );
  return r.rows.map((x) => ({
    id: BigInt(x.id as string),
    kind: x.kind as PassKind,
    source: x.source as string,
    owner: x.owner as string,
    startedAt: Number(x.started_at),
    finishedAt: n(x.finished_at as string | null),
    status: x.status as PassStatus,
    upstreamTotal: x.upstream_total === null ? null : BigInt(x.upstream_total as string),
    rowsSeen: Number(x.rows_seen),
    rowsAdded: Number(x.rows_added),
    rowsChanged: Number(x.rows_changed),
    rowsRemoved: Number(x.rows_removed),
    roomsWritten: Number(x.rooms_written),
    requests: Number(x.requests),
    errors: Number(x.errors),
    notes: (x.notes as string[]) ?? [],
    error: x.error as string | null,
    progressAt: Number(x.progress_at),
  }));
}
