-- Retry scheduler: claims (single flight across processes), wake requests, attempt history.

ALTER TABLE "destinations"
    ADD COLUMN "claimed_until" BIGINT,
    ADD COLUMN "claimed_by" TEXT,
    ADD COLUMN "wake_requested_at" BIGINT;

-- Due-finding walks these partial indexes, so a tick costs what is due, not the table size.
-- Backing off: due when retry_last_ts + retry_interval <= now (numeric: the sum of two
-- bigints may not fit a bigint, and imported values may be anything up to 2^63-1).
CREATE INDEX "destinations_due_backoff" ON "destinations" (("retry_last_ts"::numeric + "retry_interval")) WHERE "retry_last_ts" > 0;
-- Healthy: re-checked when the last attempt is older than the health interval (never attempted first).
CREATE INDEX "destinations_due_health" ON "destinations" ("last_attempt_ts" ASC NULLS FIRST) WHERE "retry_last_ts" = 0;
-- Reset (or "attempt now") asked for an attempt.
CREATE INDEX "destinations_wake_requested" ON "destinations" ("wake_requested_at") WHERE "wake_requested_at" IS NOT NULL;

CREATE TABLE "attempts" (
    "id" BIGSERIAL NOT NULL,
    "destination" TEXT COLLATE "C" NOT NULL,
    "started_ts" BIGINT NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "reason" TEXT,
    "message" TEXT,
    "http_status" INTEGER,
    "resolved_address" TEXT,
    "server_software" TEXT,
    "server_version" TEXT,
    "scheduler" TEXT,
    CONSTRAINT "attempts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "attempts_destination_fkey" FOREIGN KEY ("destination")
        REFERENCES "destinations"("destination") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "attempts_destination_id_idx" ON "attempts"("destination", "id");
