// GET /destinations: Synapse's ordering (<order_by> <dir>, destination ASC), substring
// filter, paging — built to stay an index walk at a million destinations
// (docs/benchmarks.md has the figures):
//
// - Unfiltered `total` is the exact count kept transactionally by triggers in
//   destination_count (one row read, not a count of the table), read in the same statement as
//   the page: one round trip, one snapshot.
// - Every order has its own (column, destination) index per direction, so a page is a walk
//   of that index. Deep pages walk it index-only over the skipped keys and then read just the
//   page's rows ("deferred join", deferred-join.ts); a plain OFFSET would read every skipped
//   row of the table.
// - By name (the default order), a deep page starts at its block of destination_blocks
//   (name-blocks.ts): the rows before it are a sum of ~250 block counts, not a walk. In the
//   other orders it starts at a mark of destination_order_marks (order-marks.ts): a position
//   counted at the last refresh, corrected by the rows logged since.
// - Without blocks or marks to vouch for the page, past the middle of the table the same index
//   is walked from its other end (a B-tree reads both ways) and the page reversed, so the
//   deepest page costs `total - from` keys, never more than half of them. The exact total
//   makes that offset exact.
// - Filtered (`destination=`): case-insensitive substring through the trigram index for the
//   page; the exact count of the filtered set (Synapse's) through that index for a narrow term
//   and by a cheaper scan for a wide one (count-containing.ts).
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import type { Direction } from "../http/params";
import { DEFERRED_MIN_OFFSET, deferredJoin } from "./deferred-join";
import { countContaining } from "./count-containing";
import { containsPattern, nextToken } from "./paging";
import { TIMINGS_COLUMNS, toTimings, type TimingsSqlRow } from "./rows";
import type { DestinationTimings, Page, SortColumn } from "./types";
import { NAME_MATCHES } from "./name-search";
import { blockPage } from "./name-blocks";
import { markedPage } from "./order-marks";

export type ListDestinationsQuery = {
  from: bigint;
  limit: bigint;
  orderBy: SortColumn;
  dir: Direction;
  /** Case-insensitive substring of the server name; empty = all. */
  search?: string;
};

/** Below this `from` the page is walked forward without looking at the total first. */
const REVERSE_MIN_FROM = 10_000n;

export type Walk = { key: "ASC" | "DESC"; name: "ASC" | "DESC" };
/** Synapse's order: <order_by> <dir>, destination ASC. */
export const forward = (dir: Direction): Walk => ({ key: dir === "b" ? "DESC" : "ASC", name: "ASC" });
/** Its exact reverse (NULLs included: ASC puts them last, DESC first): the same index read backwards. */
const backward = (dir: Direction): Walk => ({ key: dir === "b" ? "ASC" : "DESC", name: "DESC" });
export const orderSql = (orderBy: SortColumn, w: Walk) => `${orderBy} ${w.key}, destination ${w.name}`;

const ITEM_COLUMNS = TIMINGS_COLUMNS.split(", ")
  .map((c) => `d.${c}`)
  .join(", ");

/**
 * One statement: the exact total, and the page ($1 keys skipped, at most $2 rows) in walk
 * order. The total's row is kept (LEFT JOIN) when the page is empty (limit=0, past the end).
 * Deep: keys first from the index, then the page's rows (deferred-join.ts).
 */
function pageSql(orderBy: SortColumn, w: Walk, deep: boolean): string {
  const window = "OFFSET $1 LIMIT $2";
  const page = deep
    ? `(${deferredJoin({ key: orderBy, orderBy: orderSql(orderBy, w), window, columns: TIMINGS_COLUMNS })})`
    : `(SELECT ${orderBy} AS k, ${TIMINGS_COLUMNS} FROM destinations ORDER BY ${orderSql(orderBy, w)} ${window}) d`;
  const s = deep ? "p" : "d";
  return `SELECT t.total, ${ITEM_COLUMNS}
    FROM (SELECT (SELECT n FROM destination_count) AS total) t
    LEFT JOIN ${page} ON true
    ORDER BY ${s}.k ${w.key}, ${s}.destination ${w.name}`;
}

type PageSqlRow = { total: string | null } & { [K in keyof TimingsSqlRow]: TimingsSqlRow[K] | null };

export async function listDestinations(
  pool: pg.Pool,
  actor: Principal,
  q: ListDestinationsQuery,
): Promise<Page<DestinationTimings>> {
  requireRole(actor, "viewer", "read destinations");
  // No stored name contains NUL (PostgreSQL text cannot hold it).
  if (q.search?.includes("\0")) return { items: [], total: 0n, nextToken: null };
  if (q.search) return listFiltered(pool, q);

  if (q.from >= REVERSE_MIN_FROM) {
    const start =
      q.orderBy === "destination"
        ? await blockPage(pool, q.from, q.limit, q.dir)
        : await markedPage(pool, q.orderBy, q.dir, q.from, q.limit);
    if (start) return page(q, start.total, start.rows);
  }
  if (q.from >= REVERSE_MIN_FROM) {
    // Deep page: walk from whichever end is nearer. The total decides, and the page's
    // statement re-reads it: if a write moved it in between, recompute with the new one.
    let total = await readTotal(pool);
    for (let tries = 0; tries < 3; tries++) {
      if (q.from >= total) return { items: [], total, nextToken: null };
      // biome-ignore lint/complexity/useMathMinMax: bigint (Math.min takes numbers only)
      const end = q.from + q.limit < total ? q.from + q.limit : total;
      if (total - q.from >= end) break; // the front is as near: walk forward
      const skip = total - end;
      const r = await pool.query<PageSqlRow>(pageSql(q.orderBy, backward(q.dir), skip >= DEFERRED_MIN_OFFSET), [
        skip.toString(),
        (end - q.from).toString(),
      ]);
      const seen = await totalOf(pool, r.rows[0]);
      if (seen === total) return page(q, total, r.rows.reverse());
      total = seen;
    }
  }
  const r = await pool.query<PageSqlRow>(pageSql(q.orderBy, forward(q.dir), q.from >= DEFERRED_MIN_OFFSET), [
    q.from.toString(),
    q.limit.toString(),
  ]);
  return page(q, await totalOf(pool, r.rows[0]), r.rows);
}

/** The counter row, or — should it ever be missing — a count of the table. */
async function totalOf(pool: pg.Pool, row: { total: string | null }): Promise<bigint> {
  if (row.total !== null) return BigInt(row.total);
  const r = await pool.query<{ n: string }>("SELECT count(*) AS n FROM destinations");
  return BigInt(r.rows[0].n);
}

async function readTotal(pool: pg.Pool): Promise<bigint> {
  const r = await pool.query<{ total: string | null }>("SELECT (SELECT n FROM destination_count) AS total");
  return totalOf(pool, r.rows[0]);
}

function page(q: ListDestinationsQuery, total: bigint, rows: (PageSqlRow | TimingsSqlRow)[]): Page<DestinationTimings> {
  const items = rows.filter((r) => r.destination !== null).map((r) => toTimings(r as TimingsSqlRow));
  return { items, total, nextToken: nextToken(q.from, q.limit, items.length, total) };
}

async function listFiltered(pool: pg.Pool, q: ListDestinationsQuery): Promise<Page<DestinationTimings>> {
  const pattern = containsPattern(q.search!);
  const [rows, total] = await Promise.all([
    pool.query<TimingsSqlRow>(
      `SELECT ${TIMINGS_COLUMNS} FROM destinations WHERE ${NAME_MATCHES("$3")} ORDER BY ${orderSql(q.orderBy, forward(q.dir))} LIMIT $1 OFFSET $2`,
      [q.limit.toString(), q.from.toString(), pattern],
    ),
    countContaining(pool, q.search!),
  ]);
  return { items: rows.rows.map(toTimings), total, nextToken: nextToken(q.from, q.limit, rows.rows.length, total) };
}
