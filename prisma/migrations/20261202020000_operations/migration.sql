-- Operations: the overview's history (a small time series written once per interval by one
-- scheduler process, lib/ops/take-snapshot.ts) and what its panels read through indexes.

-- One row per point. resolution 'minute': a snapshot (every FEDCONSOLE_METRICS_SNAPSHOT_INTERVAL,
-- kept 7 days); 'hour': the hour's minute points averaged (statuses) and summed (attempts),
-- kept a year. Status columns follow lib/destinations/destination-status.ts.
CREATE TABLE "ops_points" (
    "resolution" TEXT NOT NULL,
    "ts" BIGINT NOT NULL,
    -- Time the attempt counts cover (since the previous snapshot; summed over the hour).
    "span_ms" BIGINT NOT NULL,
    "samples" INTEGER NOT NULL DEFAULT 1,
    "total" BIGINT NOT NULL,
    "healthy" BIGINT NOT NULL,
    "retrying" BIGINT NOT NULL,
    "never_contacted" BIGINT NOT NULL,
    "reachable_backing_off" BIGINT NOT NULL,
    "backing_off" BIGINT NOT NULL,
    "blocked" BIGINT NOT NULL,
    "due_now" BIGINT NOT NULL,
    "attempts_success" BIGINT NOT NULL,
    "attempts_failure" BIGINT NOT NULL,
    "attempts_neutral" BIGINT NOT NULL,
    -- Minute points: the newest attempts.id counted, where the next snapshot continues.
    "last_attempt_id" BIGINT,
    -- Minute points: failing destinations by last_error_kind ({"CONNECT_REFUSED": 12, "": 3}).
    "failing_kinds" JSONB NOT NULL DEFAULT '{}',
    "taken_ms" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "ops_points_pkey" PRIMARY KEY ("resolution", "ts"),
    CONSTRAINT "ops_points_resolution" CHECK ("resolution" IN ('minute', 'hour'))
);

-- When a failure episode ended (failure_ts went from a value to NULL: a success, a sync from the
-- homeserver, or a reset), for "recently recovered". The WHEN clause is evaluated without
-- calling the function, so updates that do not end an episode pay nothing.
ALTER TABLE "destinations" ADD COLUMN "recovered_ts" BIGINT;

CREATE FUNCTION "destinations_set_recovered"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.recovered_ts := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
  RETURN NEW;
END $$;

CREATE TRIGGER "destinations_recovered" BEFORE UPDATE OF "failure_ts" ON "destinations"
    FOR EACH ROW WHEN (OLD."failure_ts" IS NOT NULL AND NEW."failure_ts" IS NULL)
    EXECUTE FUNCTION "destinations_set_recovered"();

CREATE INDEX "destinations_recovered" ON "destinations" ("recovered_ts" DESC, "destination") WHERE "recovered_ts" IS NOT NULL;
-- Failing destinations by impact (shared rooms) and by reason, walked from the top.
CREATE INDEX "destinations_failing_rooms" ON "destinations" ("rooms_count" DESC, "destination") WHERE "retry_last_ts" > 0;
CREATE INDEX "destinations_failing_kind" ON "destinations" ("last_error_kind", "failure_ts" DESC) WHERE "retry_last_ts" > 0;
