// GET /destinations: Synapse's ordering (<order_by> <dir>, destination ASC), substring
// filter, paging. Every order has its own index, so each page is an index walk.
import type pg from "pg";
import type { Principal } from "../auth/principal";
import type { Direction } from "../http/params";
import { containsPattern, nextToken } from "./paging";
import { TIMINGS_COLUMNS, toTimings, type TimingsSqlRow } from "./rows";
import type { DestinationTimings, Page, SortColumn } from "./types";

export type ListDestinationsQuery = {
  from: bigint;
  limit: bigint;
  orderBy: SortColumn;
  dir: Direction;
  /** Case-insensitive substring of the server name; empty = all. */
  search?: string;
};

export async function listDestinations(pool: pg.Pool, _actor: Principal, q: ListDestinationsQuery): Promise<Page<DestinationTimings>> {
  // No stored name contains NUL (PostgreSQL text cannot hold it).
  if (q.search?.includes("\0")) return { items: [], total: 0n, nextToken: null };
  const where = q.search ? "WHERE destination ILIKE $3" : "";
  const args: unknown[] = [q.limit.toString(), q.from.toString()];
  if (q.search) args.push(containsPattern(q.search));
  const order = `${q.orderBy} ${q.dir === "b" ? "DESC" : "ASC"}, destination ASC`;
  const [rows, count] = await Promise.all([
    pool.query<TimingsSqlRow>(`SELECT ${TIMINGS_COLUMNS} FROM destinations ${where} ORDER BY ${order} LIMIT $1 OFFSET $2`, args),
    pool.query<{ n: string }>(`SELECT count(*) AS n FROM destinations ${q.search ? "WHERE destination ILIKE $1" : ""}`, q.search ? [args[2]] : []),
  ]);
  const total = BigInt(count.rows[0].n);
  return { items: rows.rows.map(toTimings), total, nextToken: nextToken(q.from, q.limit, rows.rows.length, total) };
}
