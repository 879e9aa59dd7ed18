// GET /destinations with a large `limit` (Synapse has no cap, so neither do we): the same page
// as listDestinations — same order, same total, same snapshot for both — read through a cursor
// in batches, so that a limit of 2^63-1 over a million destinations never holds more than one
// batch in memory. The caller (lib/http/streamed-page.ts) writes each batch as it arrives.
// Small limits keep listDestinations' one-statement fast path.
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import { type Snapshot, declareCursor, openSnapshot } from "../db/snapshot-cursor";
import { type ListDestinationsQuery, forward, orderSql } from "./list-destinations";
import { containsPattern } from "./paging";
import { TIMINGS_COLUMNS, toTimings, type TimingsSqlRow } from "./rows";
import type { DestinationTimings, PageStream } from "./types";
import { countContaining } from "./count-containing";
import { NAME_MATCHES } from "./name-search";

/** Rows fetched from the cursor at a time: ~40 kB of JSON, small enough for V8's young generation. */
export const STREAM_BATCH_ROWS = 250;

/**
 * The page's rows in Synapse's order, $1 skipped, at most $2 (and the filter's pattern as $3):
 * a walk of the order's index. (The deferred join of the small deep pages would probe the
 * table once per row of a page this large: the plain walk is cheaper here.)
 */
function pageSql(q: ListDestinationsQuery): string {
  const where = q.search ? `WHERE ${NAME_MATCHES("$3")}` : "";
  return `SELECT ${TIMINGS_COLUMNS} FROM destinations ${where} ORDER BY ${orderSql(q.orderBy, forward(q.dir))} OFFSET $1 LIMIT $2`;
}

async function totalIn(snap: Snapshot, q: ListDestinationsQuery): Promise<bigint> {
  if (q.search) return countContaining(snap.tx, q.search); // as listDestinations counts it
  // The counter row, or — should it ever be missing — a count of the table (as listDestinations).
  const r = await snap.tx.query<{ n: string }>(
    "SELECT COALESCE((SELECT n FROM destination_count), (SELECT count(*) FROM destinations)) AS n",
  );
  return BigInt(r.rows[0].n);
}

export async function streamDestinations(
  pool: pg.Pool,
  actor: Principal,
  q: ListDestinationsQuery,
): Promise<PageStream<DestinationTimings>> {
  requireRole(actor, "viewer", "read destinations");
  // No stored name contains NUL (PostgreSQL text cannot hold it).
  if (q.search?.includes("\0")) return { total: 0n, next: async () => null, close: async () => {} };
  const snap = await openSnapshot(pool);
  try {
    const total = await totalIn(snap, q);
    if (q.limit === 0n || q.from >= total) return { total, next: async () => null, close: (e) => snap.end(e) };
    const params: unknown[] = [q.from.toString(), q.limit.toString()];
    if (q.search) params.push(containsPattern(q.search));
    const rows = await declareCursor<TimingsSqlRow>(snap, pageSql(q), params, STREAM_BATCH_ROWS);
    return {
      total,
      next: async () => (await rows.next())?.map(toTimings) ?? null,
      close: (e) => snap.end(e),
    };
  } catch (e) {
    await snap.end(e);
    throw e;
  }
}
