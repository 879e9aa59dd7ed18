-- The console's status and next-retry orders as stored generated columns with plain B-tree
-- indexes, replacing the expression indexes of the console and mirror migrations.
-- PostgreSQL never scans an expression index index-only (the planner wants the expression's
-- columns, not just its value), so a deep page of those orders read every skipped row from the
-- table (~240 ms at OFFSET 499,900 of 1M); over a stored column the deferred join
-- (lib/destinations/deferred-join.ts) walks the index keys only, like the other orders.
-- The expressions are exactly lib/destinations/destination-status.ts STATUS_RANK_SQL and
-- NEXT_RETRY_SQL (a unit test compares them on every combination of their columns): both depend
-- on the row alone, never on the clock, so a stored value is always the current sort key.
-- Adding the columns rewrites the table once (a few seconds per million rows).
ALTER TABLE "destinations"
  ADD COLUMN "status_rank" SMALLINT NOT NULL GENERATED ALWAYS AS ((CASE WHEN "last_error_kind" = 'IP_BLOCKED' AND "retry_last_ts" > 0 THEN 5 WHEN "claimed_until" IS NOT NULL OR "wake_requested_at" IS NOT NULL THEN 1 WHEN "retry_last_ts" > 0 AND "last_outcome" = 'success' AND "last_attempt_ts" >= "retry_last_ts" THEN 3 WHEN "retry_last_ts" > 0 THEN 4 WHEN "last_attempt_ts" IS NULL THEN 2 ELSE 0 END)) STORED,
  ADD COLUMN "next_retry_ts" NUMERIC GENERATED ALWAYS AS ((CASE WHEN "retry_last_ts" > 0 THEN "retry_last_ts"::numeric + "retry_interval" END)) STORED;

DROP INDEX "destinations_status_asc";
DROP INDEX "destinations_status_desc";
DROP INDEX "destinations_next_retry_asc";
DROP INDEX "destinations_next_retry_desc_nl";
CREATE INDEX "destinations_status_asc" ON "destinations"("status_rank", "destination");
CREATE INDEX "destinations_status_desc" ON "destinations"("status_rank" DESC, "destination");
CREATE INDEX "destinations_next_retry_asc" ON "destinations"("next_retry_ts", "destination");
CREATE INDEX "destinations_next_retry_desc_nl" ON "destinations"("next_retry_ts" DESC NULLS LAST, "destination");
