-- The console's "Blocked" filter (few rows): counted and listed through this partial index
-- instead of a scan of the table (lib/destinations/destination-status.ts statusFilterSql).
CREATE INDEX "destinations_blocked" ON "destinations" ("destination") WHERE "last_error_kind" = 'IP_BLOCKED' AND "retry_last_ts" > 0;
