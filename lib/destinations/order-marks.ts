// Deep pages of the list in its other orders (retry_last_ts, retry_interval, failure_ts,
// last_successful_stream_ordering; no filter) start at a mark of destination_order_marks
// (migration 20261205000000_order_marks): every 4,096th row of the order as of the last
// refresh, with how many rows were before it, and the log of rows that moved since. In one
// snapshot (REPEATABLE READ): the mark at most `from - logged` rows deep, its count corrected by
// the logged rows on either side of it — exact — and then a walk of fewer than 4,096 + 2 ×
// logged keys from the mark, instead of `from` keys (from=500,000 at a million: ~20 ms).
//
// The log grows with every attempt. A reader that finds it long (or no marks) asks for a
// refresh in the background (at most one at a time across processes, spaced by ten times its
// own duration in a process: see requestRefresh) and walks the index meanwhile if the marks
// cannot serve it; the snapshotter drops marks and log nobody refreshed (trimOrderLog).
import type pg from "pg";
import { type Tx, withTransaction } from "../db/transaction";
import type { Direction } from "../http/params";
import { DEFERRED_MIN_OFFSET, deferredJoin } from "./deferred-join";
import { TIMINGS_COLUMNS, type TimingsSqlRow } from "./rows";
import { SORT_COLUMNS, type SortColumn } from "./types";

/** A reader refreshes the marks (in the background) once the log holds this many rows. */
export const REFRESH_AT_LOGGED = 4_096;
/** Past this many logged rows the marks are not used (the log's scan would cost more than it saves). */
export const MAX_LOGGED = 32_768;
/** The snapshotter drops marks and log past this many logged rows (nobody reads deep pages). */
export const TRIM_AT_LOGGED = 65_536;
const REFRESH_MIN_GAP_MS = 5_000;
/** pg_try_advisory_xact_lock key of the refresh (and of the trim). */
const REFRESH_LOCK_KEY = 7_340_032_011;

type MarkedSort = Exclude<SortColumn, "destination">;
const MARKED_SORTS = SORT_COLUMNS.filter((c): c is MarkedSort => c !== "destination");
/** A mark every this many rows of an order. */
const MARK_EVERY = 4_096;

// Whether a row (log row g) sorts before the mark (m) in the order: <key> ASC NULLS LAST or
// DESC NULLS FIRST, then the name ascending (Synapse's order, PostgreSQL's NULL placement).
const beforeMark = (c: MarkedSort, dir: Direction) =>
  dir === "f"
    ? `CASE WHEN g.${c} IS NULL THEN (m.k IS NULL AND g.destination < m.destination)
         ELSE (m.k IS NULL OR g.${c} < m.k OR (g.${c} = m.k AND g.destination < m.destination)) END`
    : `CASE WHEN g.${c} IS NULL THEN (m.k IS NOT NULL OR g.destination < m.destination)
         ELSE (m.k IS NOT NULL AND (g.${c} > m.k OR (g.${c} = m.k AND g.destination < m.destination))) END`;

// $1 sort, $2 dir, $3 from. The total, the log's length (and net change), and the deepest mark
// that is still at or before `from` whatever the logged rows did, with its exact position now.
// The log is read at most MAX_LOGGED + 1 rows far (a mirror's first pass can leave a million
// until the next trim), and corrected positions only when it is short enough to be used.
const markSql = (c: MarkedSort, dir: Direction) => `
WITH l AS (
  SELECT count(*) AS n, coalesce(sum(sign), 0) AS net
  FROM (SELECT sign FROM destination_order_log LIMIT ${MAX_LOGGED + 1}) x
),
m AS (
  SELECT before, k, destination, total FROM destination_order_marks
  WHERE sort = $1 AND dir = $2 AND before + (SELECT n FROM l) <= $3::bigint AND (SELECT n FROM l) <= ${MAX_LOGGED}
  ORDER BY before DESC LIMIT 1
)
SELECT (SELECT n FROM destination_count) AS total, l.n AS logged, l.net,
  EXISTS (SELECT 1 FROM destination_order_marks WHERE sort = $1 AND dir = $2) AS marked,
  m.total AS marked_total, m.k, m.destination,
  CASE WHEN m.before IS NOT NULL THEN
    m.before + (SELECT coalesce(sum(g.sign), 0) FROM destination_order_log g WHERE ${beforeMark(c, dir)})
  END AS pos
FROM l LEFT JOIN m ON true`;

type MarkSqlRow = {
  total: string | null;
  logged: string;
  net: string;
  marked: boolean;
  marked_total: string | null;
  k: string | null;
  destination: string | null;
  pos: string | null;
};

type Part = { where: string; keyDir: "ASC" | "DESC" };

/**
 * The rows from the mark on, in order, as at most two index ranges one after the other
 * (`:key` and `:name` are the mark's, bound by `bind`).
 */
function partsFrom(c: MarkedSort, dir: Direction, keyNull: boolean): Part[] {
  const nullGroup = `${c} IS NULL AND destination >= :name`;
  if (dir === "f")
    return keyNull
      ? [{ where: nullGroup, keyDir: "ASC" }]
      : [
          { where: `(${c}, destination) >= (:key, :name)`, keyDir: "ASC" },
          { where: `${c} IS NULL`, keyDir: "ASC" },
        ];
  return keyNull
    ? [
        { where: nullGroup, keyDir: "DESC" },
        { where: `${c} IS NOT NULL`, keyDir: "DESC" },
      ]
    : [
        { where: `${c} = :key AND destination >= :name`, keyDir: "DESC" },
        { where: `${c} < :key`, keyDir: "DESC" },
      ];
}

/** A part's statement with the mark's key and name bound as the parameters it uses, then `rest`. */
function bind(sql: string, m: MarkSqlRow, rest: string[]): { text: string; values: (string | null)[] } {
  const values: (string | null)[] = [];
  const text = sql
    .replace(":key", () => {
      values.push(m.k);
      return `$${values.length}::bigint`;
    })
    .replace(":name", () => {
      values.push(m.destination);
      return `$${values.length}`;
    })
    .replace(/:rest(\d)/g, (_, i: string) => `$${values.length + Number(i)}`);
  return { text, values: [...values, ...rest] };
}

// A part's page (:rest1 skip, :rest2 limit), keys walked index-only when deep.
function partPageSql(c: MarkedSort, part: Part, deep: boolean): string {
  const window = "OFFSET :rest1 LIMIT :rest2";
  const orderBy = `${c} ${part.keyDir}, destination ASC`;
  if (!deep) return `SELECT ${TIMINGS_COLUMNS} FROM destinations WHERE ${part.where} ORDER BY ${orderBy} ${window}`;
  const join = deferredJoin({ key: c, where: `WHERE ${part.where}`, orderBy, window, columns: TIMINGS_COLUMNS });
  return `SELECT d.* FROM ${join} ORDER BY p.k ${part.keyDir}, p.destination ASC`;
}

// How many rows a part holds, up to :rest1.
const partCountSql = (c: MarkedSort, part: Part) =>
  `SELECT count(*) AS n FROM (SELECT 1 FROM destinations WHERE ${part.where} ORDER BY ${c} ${part.keyDir}, destination ASC LIMIT :rest1) x`;

export type MarkedPage = { total: bigint; rows: TimingsSqlRow[] };

/**
 * The page in Synapse's order, or null when the marks cannot serve it (none yet, a log too long,
 * `from` within the log's length, or counts that do not add up — never expected): the caller
 * walks the index instead. Asks for a refresh when the marks are missing or behind.
 */
export async function markedPage(
  pool: pg.Pool,
  orderBy: MarkedSort,
  dir: Direction,
  from: bigint,
  limit: bigint,
): Promise<MarkedPage | null> {
  const page = await withTransaction(
    pool,
    async (tx) => {
      const r = await tx.query<MarkSqlRow>(markSql(orderBy, dir), [orderBy, dir, from.toString()]);
      const m = r.rows[0];
      const logged = BigInt(m.logged);
      if (!m.marked || logged >= BigInt(REFRESH_AT_LOGGED)) requestRefresh(pool);
      if (m.total === null || m.pos === null || m.marked_total === null || logged > BigInt(MAX_LOGGED)) return null;
      const total = BigInt(m.total);
      if (BigInt(m.marked_total) + BigInt(m.net) !== total) return null; // drifted: refresh will mend
      if (from >= total) return { total, rows: [] };
      const rows = await walkFromMark(tx, orderBy, dir, m, from - BigInt(m.pos), limit);
      return { total, rows };
    },
    { mode: "ISOLATION LEVEL REPEATABLE READ READ ONLY" },
  );
  return page;
}

async function walkFromMark(
  tx: Tx,
  c: MarkedSort,
  dir: Direction,
  m: MarkSqlRow,
  skip: bigint,
  limit: bigint,
): Promise<TimingsSqlRow[]> {
  const rows: TimingsSqlRow[] = [];
  let want = limit;
  for (const part of partsFrom(c, dir, m.k === null)) {
    if (want <= 0n) break;
    const page = bind(partPageSql(c, part, skip >= DEFERRED_MIN_OFFSET), m, [skip.toString(), want.toString()]);
    const r = await tx.query<TimingsSqlRow>(page.text, page.values);
    rows.push(...r.rows);
    want -= BigInt(r.rows.length);
    if (want <= 0n) break;
    // The next part starts where this one ended: skip what is left of `skip` past its rows.
    if (r.rows.length > 0) skip = 0n;
    else {
      const count = bind(partCountSql(c, part), m, [skip.toString()]);
      const n = await tx.query<{ n: string }>(count.text, count.values);
      skip -= BigInt(n.rows[0].n);
    }
  }
  return rows;
}

let refreshing: Promise<void> | null = null;
let lastRefreshAt = 0;
let lastRefreshMs = 0;

/** The background refresh under way, if any (for tests: settles when it is done). */
export const refreshInBackground = (): Promise<void> => refreshing ?? Promise.resolve();

/**
 * Starts a refresh in the background unless one started in this process within the gap: at
 * least REFRESH_MIN_GAP_MS and ten times the last refresh's duration, so that refreshes take at
 * most a tenth of one database core however often deep pages are read (3.0 s at a million
 * destinations on the 2-core bench machine: one per 30 s, while the log of a busy scheduler
 * — two rows per attempt that moves a row — stays under MAX_LOGGED).
 */
function requestRefresh(pool: pg.Pool): void {
  const now = Date.now();
  if (refreshing || now - lastRefreshAt < Math.max(REFRESH_MIN_GAP_MS, 10 * lastRefreshMs)) return;
  lastRefreshAt = now;
  refreshing = refreshOrderMarks(pool)
    .then(() => {
      lastRefreshMs = Date.now() - now;
    })
    // A failed refresh (database down, a statement timeout) leaves the old marks and log, which
    // stay exact; the next reader asks again after the gap.
    .catch(() => {})
    .finally(() => {
      refreshing = null;
    });
}

// New marks for all eight orders and the log emptied of what they include, in one statement
// (one snapshot: a change is either in the marks or still in the log, never both or neither).
// The orders are the list's (Synapse's): <key> ASC (NULLs last) or DESC (NULLs first), then the
// name ascending. The marks' index is not unique: the old ones are deleted as the new go in.
const REFRESH_SQL = `
WITH total AS (SELECT count(*) AS n FROM destinations),
marks AS (${MARKED_SORTS.flatMap((c) =>
  (["f", "b"] as const).map(
    (dir) => `
  SELECT '${c}' AS sort, '${dir}' AS dir, rn - 1 AS before, k, destination FROM (
    SELECT ${c} AS k, destination, row_number() OVER (ORDER BY ${c} ${dir === "f" ? "ASC" : "DESC"}, destination ASC) AS rn
    FROM destinations) x
  WHERE rn % ${MARK_EVERY} = 1`,
  ),
).join("\n  UNION ALL")}
),
old_marks AS (DELETE FROM destination_order_marks),
old_log AS (DELETE FROM destination_order_log)
INSERT INTO destination_order_marks (sort, dir, before, k, destination, total)
  SELECT m.sort, m.dir, m.before, m.k, m.destination, t.n FROM marks m CROSS JOIN total t`;

/** New marks for every order from one snapshot; false when another refresh holds the lock. */
export async function refreshOrderMarks(pool: pg.Pool): Promise<boolean> {
  return withTransaction(pool, async (tx) => {
    const lock = await tx.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS ok", [REFRESH_LOCK_KEY]);
    if (!lock.rows[0].ok) return false;
    // A statement after the lock: its snapshot sees every earlier refresh committed.
    await tx.query(REFRESH_SQL);
    return true;
  });
}

/**
 * Drops marks and log once the log is past TRIM_AT_LOGGED rows, so that it cannot grow without
 * bound when nobody reads deep pages (readers rebuild the marks when they next need them).
 * Returns whether it dropped them.
 */
export async function trimOrderLog(pool: pg.Pool): Promise<boolean> {
  const n = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM (SELECT 1 FROM destination_order_log LIMIT ${TRIM_AT_LOGGED + 1}) x`,
  );
  if (BigInt(n.rows[0].n) <= BigInt(TRIM_AT_LOGGED)) return false;
  return withTransaction(pool, async (tx) => {
    const lock = await tx.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS ok", [REFRESH_LOCK_KEY]);
    if (!lock.rows[0].ok) return false;
    await tx.query("SELECT destination_order_marks_drop()");
    return true;
  });
}
