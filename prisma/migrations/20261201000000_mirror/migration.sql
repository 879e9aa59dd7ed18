-- Mirror mode: the sync's state (one row) and the log of its passes. See lib/upstream/.

CREATE TABLE "upstream_state" (
    "id" BOOLEAN NOT NULL DEFAULT true,
    -- What is mirrored ("api https://hs.example.org", "database …"); a change starts afresh.
    "source" TEXT,
    "last_full_ok_at" BIGINT,
    "last_recent_ok_at" BIGINT,
    "last_error" TEXT,
    "last_error_at" BIGINT,
    -- Start of the current upstream outage (NULL while the upstream answers).
    "failing_since" BIGINT,
    -- The newest retry_last_ts the sync has seen: the recent-changes pass looks for newer ones.
    "watermark" BIGINT NOT NULL DEFAULT 0,
    -- API source: where positive retry_last_ts values begin in order_by=retry_last_ts&dir=b.
    "head_offset" INTEGER NOT NULL DEFAULT 0,
    -- API source: where the next rooms refreshes continue, among the failing destinations and
    -- among all (round robin, destination order).
    "failing_rooms_cursor" TEXT COLLATE "C",
    "rooms_cursor" TEXT COLLATE "C",
    -- fedctl upstream sync asks the running syncer for a full pass now.
    "full_requested_at" BIGINT,
    CONSTRAINT "upstream_state_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "upstream_state_one_row" CHECK ("id")
);

CREATE TABLE "upstream_sync_passes" (
    "id" BIGSERIAL NOT NULL,
    -- full | recent
    "kind" TEXT NOT NULL,
    -- api | database
    "source" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "started_at" BIGINT NOT NULL,
    "finished_at" BIGINT,
    -- running | ok | partial (finished with skipped rows or without removals) | failed
    "status" TEXT NOT NULL,
    "upstream_total" BIGINT,
    "rows_seen" BIGINT NOT NULL DEFAULT 0,
    "rows_added" BIGINT NOT NULL DEFAULT 0,
    "rows_changed" BIGINT NOT NULL DEFAULT 0,
    "rows_removed" BIGINT NOT NULL DEFAULT 0,
    "rooms_written" BIGINT NOT NULL DEFAULT 0,
    "requests" BIGINT NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    -- The first problems (bad rows, the reason a pass failed or removed nothing), in words.
    "notes" TEXT[] NOT NULL DEFAULT '{}',
    "error" TEXT,
    "progress_at" BIGINT NOT NULL,
    CONSTRAINT "upstream_sync_passes_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "upstream_sync_passes_kind_id" ON "upstream_sync_passes" ("kind", "id" DESC);

-- Why an attempt was asked for: 'reset' (an operator's reset) or 'probe' (mirror mode: the sync
-- saw a new failure upstream). The scheduler records it as the attempt's trigger.
ALTER TABLE "destinations" ADD COLUMN "wake_trigger" TEXT;

-- A new status between never contacted and backing off: "Reachable, still backing off" — the
-- latest attempt succeeded after the homeserver's latest failure, yet the homeserver still backs
-- off (mirror mode). Ranks (lib/destinations/destination-status.ts STATUS_RANK_SQL): healthy 0,
-- retrying 1, never contacted 2, reachable but backing off 3, backing off 4, blocked 5.
DROP INDEX "destinations_status_asc";
DROP INDEX "destinations_status_desc";
CREATE INDEX "destinations_status_asc" ON "destinations"((CASE WHEN "last_error_kind" = 'IP_BLOCKED' AND "retry_last_ts" > 0 THEN 5 WHEN "claimed_until" IS NOT NULL OR "wake_requested_at" IS NOT NULL THEN 1 WHEN "retry_last_ts" > 0 AND "last_outcome" = 'success' AND "last_attempt_ts" >= "retry_last_ts" THEN 3 WHEN "retry_last_ts" > 0 THEN 4 WHEN "last_attempt_ts" IS NULL THEN 2 ELSE 0 END), "destination");
CREATE INDEX "destinations_status_desc" ON "destinations"((CASE WHEN "last_error_kind" = 'IP_BLOCKED' AND "retry_last_ts" > 0 THEN 5 WHEN "claimed_until" IS NOT NULL OR "wake_requested_at" IS NOT NULL THEN 1 WHEN "retry_last_ts" > 0 AND "last_outcome" = 'success' AND "last_attempt_ts" >= "retry_last_ts" THEN 3 WHEN "retry_last_ts" > 0 THEN 4 WHEN "last_attempt_ts" IS NULL THEN 2 ELSE 0 END) DESC, "destination");
-- The "reachable, still backing off" filter walks this partial index, not the table.
CREATE INDEX "destinations_reachable_backing_off" ON "destinations"("destination") WHERE "retry_last_ts" > 0 AND "last_outcome" = 'success' AND "last_attempt_ts" >= "retry_last_ts";
