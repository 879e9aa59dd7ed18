// The exact number of destinations whose name contains a term case-insensitively — the
// filtered list's `total` (Synapse counts `LOWER(destination) LIKE ?` on every call). It counts
// on destination_names, the narrow table of names (name-search.ts).
//
// A narrow term is counted through the trigram index (destination_names_trgm): the bitmap
// holds few rows. A wide one (30 % of a million names) makes that bitmap cost more than
// reading every name: GIN intersects the posting lists of every trigram of the term (~100 ms
// for "example.net" at 1M, before a single row is rechecked), then ILIKE rechecks each match,
// lower-casing both sides on every row. So from WIDE_SHARE of the table on (the planner's
// estimate, which tracks the trigram statistics closely) the count is a (parallel) scan with a
// byte match instead: the names are COLLATE "C", whose ILIKE folds ASCII letters only (as
// lower() does under "C"), so for a name that is its own lower case, `name ILIKE '%t%'` is
// exactly `strpos(name, lower(t COLLATE "C")) > 0`.
// The few other names (stored column mixed_case) are in the partial index
// destination_names_mixed_case; there the scan's answer is replaced by ILIKE's.
// Measured at 1M: docs/benchmarks.md, "deep pages and filters".
import type { Queryable } from "../db/transaction";
import { COUNT_NAME_MATCHES } from "./name-search";
import { containsPattern } from "./paging";

/** From this estimated share of matching rows on, scan rather than use the trigram bitmap. */
export const WIDE_SHARE = 0.15;

/** Through the trigram index ($1: the ILIKE pattern). */
export const NARROW_COUNT_SQL = COUNT_NAME_MATCHES("$1");

/** A scan with a byte match, corrected on the mixed-case names ($1: ILIKE pattern, $2: the term). */
export const WIDE_COUNT_SQL = `SELECT
    (SELECT count(*) FROM destination_names WHERE strpos(destination, lower($2::text COLLATE "C")) > 0)
  + (SELECT count(*) FILTER (WHERE destination ILIKE $1)
          - count(*) FILTER (WHERE strpos(destination, lower($2::text COLLATE "C")) > 0)
       FROM destination_names WHERE mixed_case) AS n`;

/** `db`: the pool, or a transaction's connection (the streamed list counts in its snapshot). */
export async function countContaining(db: Queryable, term: string): Promise<bigint> {
  const pattern = containsPattern(term);
  const [plan, table] = await Promise.all([
    db.query<{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }>(
      "EXPLAIN (FORMAT JSON) SELECT 1 FROM destination_names WHERE destination ILIKE $1",
      [pattern],
    ),
    db.query<{ n: string | null }>("SELECT (SELECT n FROM destination_count)::text AS n"),
  ]);
  const estimate = plan.rows[0]["QUERY PLAN"][0].Plan["Plan Rows"];
  const rows = Number(table.rows[0].n ?? 0);
  const r =
    rows > 0 && estimate >= WIDE_SHARE * rows
      ? await db.query<{ n: string }>(WIDE_COUNT_SQL, [pattern, term])
      : await db.query<{ n: string }>(NARROW_COUNT_SQL, [pattern]);
  return BigInt(r.rows[0].n);
}
