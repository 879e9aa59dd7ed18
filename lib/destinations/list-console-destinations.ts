// The console's destination list: the API's substring search, a status filter, every column
// sortable both ways, offset pages with the total. Each order "<key> <dir> NULLS LAST,
// destination ASC" has an index (console migration), so a page is an index walk; the count
// runs in parallel on another connection.
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import { DEFERRED_MIN_OFFSET, deferredJoin } from "./deferred-join";
import { countContaining } from "./count-containing";
import { containsPattern } from "./paging";
import { CONSOLE_COLUMNS, toConsoleDestination, type ConsoleDestination, type ConsoleSqlRow } from "./console-rows";
import { statusFilterSql } from "./destination-status";
import type { ConsoleListQuery, ConsoleSort } from "./console-list-query";
import { NAME_MATCHES } from "./name-search";
import { blockPage } from "./name-blocks";

/**
 * Sort key column and whether it can be NULL (NOT NULL keys keep the index's default NULLS
 * order). Columns are table-qualified: the select list casts int8 columns to text under the
 * same names, and a bare ORDER BY name would sort those text aliases. Status and next retry
 * are stored generated columns (STATUS_RANK_SQL, NEXT_RETRY_SQL; migration
 * 20261203000000_stored_sort_keys), so their deep pages walk an index index-only too.
 */
const SORT_KEYS: Record<Exclude<ConsoleSort, "destination">, { sql: string; nullable: boolean }> = {
  status: { sql: "destinations.status_rank", nullable: false },
  failure_ts: { sql: "destinations.failure_ts", nullable: true },
  last_attempt: { sql: "destinations.last_attempt_ts", nullable: true },
  next_retry: { sql: "destinations.next_retry_ts", nullable: true },
  retry_interval: { sql: "destinations.retry_interval", nullable: false },
  last_successful_stream_ordering: { sql: "destinations.last_successful_stream_ordering", nullable: true },
  rooms: { sql: "destinations.rooms_count", nullable: false },
};

export function orderByClause(sort: ConsoleSort, dir: "asc" | "desc"): string {
  const d = dir === "desc" ? "DESC" : "ASC";
  if (sort === "destination") return `destinations.destination ${d}`;
  const k = SORT_KEYS[sort];
  return `${k.sql} ${d}${k.nullable ? " NULLS LAST" : ""}, destinations.destination ASC`;
}

/** The same order over the deep page's key list `p` (columns k = sort key, destination). */
function orderByKeys(sort: ConsoleSort, dir: "asc" | "desc"): string {
  const d = dir === "desc" ? "DESC" : "ASC";
  if (sort === "destination") return `p.destination ${d}`;
  return `p.k ${d}${SORT_KEYS[sort].nullable ? " NULLS LAST" : ""}, p.destination ASC`;
}

/** The page (after $n filter arguments: LIMIT $n+1 OFFSET $n+2); deep: keys first (deferred-join.ts). */
function pageSql(q: ConsoleListQuery, where: string, n: number, deep: boolean): string {
  const orderBy = orderByClause(q.sort, q.dir);
  const window = `LIMIT $${n + 1} OFFSET $${n + 2}`;
  if (!deep) return `SELECT ${CONSOLE_COLUMNS} FROM destinations ${where} ORDER BY ${orderBy} ${window}`;
  const key = q.sort === "destination" ? undefined : SORT_KEYS[q.sort].sql;
  return `SELECT d.* FROM ${deferredJoin({ key, where, orderBy, window, columns: CONSOLE_COLUMNS })}
    ORDER BY ${orderByKeys(q.sort, q.dir)}`;
}

export type ListFilter = { search: string; status: ConsoleListQuery["status"] };

/** WHERE clause (possibly empty) and its arguments for a search + status filter. */
export function filterWhere(f: ListFilter, nowMs: bigint): { where: string; args: unknown[] } {
  const args: unknown[] = [];
  const conds: string[] = [];
  if (f.search) {
    args.push(containsPattern(f.search));
    conds.push(NAME_MATCHES(`$${args.length}`));
  }
  if (f.status) {
    const now = `$${args.length + 1}`;
    const sql = statusFilterSql(f.status, now);
    if (sql.includes(`${now}::bigint`)) args.push(nowMs.toString()); // "failing" does not depend on the clock
    conds.push(sql);
  }
  return { where: conds.length ? `WHERE ${conds.join(" AND ")}` : "", args };
}

/** From this row on, an unfiltered page by name starts at its block instead of walking the names before it. */
const BLOCKS_MIN_FROM = 10_000n;

export type ConsolePage = { items: ConsoleDestination[]; total: bigint; from: bigint };

export async function listConsoleDestinations(
  pool: pg.Pool,
  actor: Principal,
  q: ConsoleListQuery,
  nowMs: bigint = BigInt(Date.now()),
): Promise<ConsolePage> {
  requireRole(actor, "viewer", "list destinations");
  const from = BigInt(q.page - 1) * BigInt(q.size);
  const { where, args } = filterWhere(q, nowMs);
  if (!where && q.sort === "destination" && from >= BLOCKS_MIN_FROM) {
    // A deep page by name, unfiltered: from its block of names, as the API's (name-blocks.ts).
    const b = await blockPage<ConsoleSqlRow>(pool, from, BigInt(q.size), q.dir === "desc" ? "b" : "f", CONSOLE_COLUMNS);
    if (b) return { items: b.rows.map((r) => toConsoleDestination(r, nowMs)), total: b.total, from };
  }
  const n = args.length;
  const [rows, count] = await Promise.all([
    pool.query<ConsoleSqlRow>(pageSql(q, where, n, from >= DEFERRED_MIN_OFFSET), [...args, q.size, from.toString()]),
    // Unfiltered: the exact total kept by triggers (destination_count, one row) instead of
    // counting the whole table (~100 ms at a million destinations). A search alone: the API's
    // count (count-containing.ts: a cheaper scan for a wide term).
    !where
      ? pool.query<{ n: string }>("SELECT n::text AS n FROM destination_count").then((r) => BigInt(r.rows[0].n))
      : q.search && !q.status
        ? countContaining(pool, q.search)
        : pool
            .query<{ n: string }>(`SELECT count(*) AS n FROM destinations ${where}`, args)
            .then((r) => BigInt(r.rows[0].n)),
  ]);
  return { items: rows.rows.map((r) => toConsoleDestination(r, nowMs)), total: count, from };
}
