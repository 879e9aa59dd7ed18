// The "deferred join" of the deep list pages (API list and console list): walk the order's
// index for the page's keys only — index-only where the sort key is a plain column — and then
// read just the page's rows by primary key. A plain OFFSET reads every skipped row from the
// table (page 5,000 of 100 at a million rows: ~2 s instead of ~50 ms; docs/benchmarks.md).

/**
 * From this many skipped keys on, the deferred join is used; below it, a plain index scan
 * that also reads each skipped row is cheaper (a few buffers per page row either way).
 */
export const DEFERRED_MIN_OFFSET = 500n;

export type DeferredJoin = {
  /** Sort key expression over destinations, selected as `p.k`; none when the order is the name alone. */
  key?: string;
  /** The walk's WHERE clause, or "". */
  where?: string;
  /** The walk's ORDER BY (an index's order, ending in the unique destination). */
  orderBy: string;
  /** The page window, e.g. "OFFSET $1 LIMIT $2". */
  window: string;
  /** Select list of each page row. */
  columns: string;
};

/**
 * FROM-clause items `p` (the page's keys: destination, and k if a key is given) and `d` (each
 * page row, from a LATERAL primary-key probe kept apart by OFFSET 0, so that the planner never
 * hash-joins the whole table for 100 rows). The caller orders the result by `p`.
 */
export function deferredJoin(q: DeferredJoin): string {
  const key = q.key === undefined ? "" : `, ${q.key} AS k`;
  return `(SELECT destinations.destination${key} FROM destinations ${q.where ?? ""} ORDER BY ${q.orderBy} ${q.window}) p
    CROSS JOIN LATERAL (SELECT ${q.columns} FROM destinations x WHERE x.destination = p.destination OFFSET 0) d`;
}
