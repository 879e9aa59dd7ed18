// Test data for list and paging tests: n destinations with ties, NULLs, mixed case and values
// above 2^53 in every sortable column, in a scrambled insertion order.
import type pg from "pg";

export async function fillDestinations(pool: pg.Pool, n: number): Promise<void> {
  await pool.query(
    `INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering)
     SELECT 'h' || lpad(((i * 7919) % $1)::text, 6, '0') || CASE WHEN i % 3 = 0 THEN '.Example.org' ELSE '.example.net' END,
            CASE WHEN i % 10 < 7 THEN 0 ELSE 1700000000000 + (i % 500) END,
            CASE WHEN i % 10 < 7 THEN 0 WHEN i % 97 = 0 THEN 9007199254740993 ELSE 600000 * (i % 13) END,
            CASE WHEN i % 4 = 0 THEN NULL ELSE 1699000000000 + (i % 301) END,
            CASE WHEN i % 10 = 0 THEN NULL ELSE (i % 1009)::bigint * 9007199254740 END
     FROM generate_series(0, $1 - 1) AS i`,
    [n],
  );
}
