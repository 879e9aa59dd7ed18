-- Vacuum destinations after ~1 % of its rows changed instead of PostgreSQL's default 20 %.
-- Deep list pages walk an index index-only (lib/destinations/deferred-join.ts), which reads the
-- table for every entry on a page not marked all-visible, and every attempt the scheduler records
-- updates a row and clears its page's bit. Measured at 1,000,000 rows (docs/benchmarks.md,
-- "deep pages and filters"): after 1 % of the rows were updated, the walk over 500,000 keys made
-- 306,310 heap fetches and took 122–175 ms instead of 29–33 ms; the VACUUM that restores it took
-- 4.3 s. At the default 20 % nearly every page would lose its bit before autovacuum runs.
-- (Storage parameters only: no rewrite. They matter where autovacuum is on, its default.)
ALTER TABLE "destinations" SET (
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_vacuum_insert_scale_factor = 0.01
);
