-- Console: the shared session secret, login throttling, and what the console's destination
-- list sorts by (every console order is an index walk at a million destinations).

-- Secrets shared by every web instance on this database (e.g. the session-signing secret
-- when AUTH_SECRET is not set). Created once, never rotated implicitly.
CREATE TABLE "app_secrets" (
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "app_secrets_pkey" PRIMARY KEY ("name")
);

-- Failed console sign-ins per key ("account:<email>" or "address:<ip>") in the current window.
CREATE TABLE "login_throttle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "window_start" BIGINT NOT NULL,
    "locked_until" BIGINT,
    CONSTRAINT "login_throttle_pkey" PRIMARY KEY ("key")
);

-- Shared rooms per destination, kept by statement-level triggers (one UPDATE per statement
-- and destination, not per room row, so bulk imports stay fast).
ALTER TABLE "destinations" ADD COLUMN "rooms_count" INTEGER NOT NULL DEFAULT 0;
UPDATE "destinations" d SET "rooms_count" = c.n
FROM (SELECT "destination", count(*)::int AS n FROM "destination_rooms" GROUP BY "destination") c
WHERE d."destination" = c."destination";

CREATE FUNCTION "destination_rooms_count_ins"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE destinations d SET rooms_count = d.rooms_count + x.n
  FROM (SELECT destination, count(*)::int AS n FROM new_rows GROUP BY destination) x
  WHERE d.destination = x.destination;
  RETURN NULL;
END $$;
CREATE FUNCTION "destination_rooms_count_del"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE destinations d SET rooms_count = d.rooms_count - x.n
  FROM (SELECT destination, count(*)::int AS n FROM old_rows GROUP BY destination) x
  WHERE d.destination = x.destination;
  RETURN NULL;
END $$;
CREATE FUNCTION "destination_rooms_count_upd"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Only a changed destination moves a room; stream_ordering updates net to zero and write nothing.
  UPDATE destinations d SET rooms_count = d.rooms_count + x.delta
  FROM (SELECT destination, sum(delta)::int AS delta
        FROM (SELECT destination, 1 AS delta FROM new_rows UNION ALL SELECT destination, -1 FROM old_rows) u
        GROUP BY destination HAVING sum(delta) <> 0) x
  WHERE d.destination = x.destination;
  RETURN NULL;
END $$;
CREATE TRIGGER "destination_rooms_count_ins" AFTER INSERT ON "destination_rooms"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "destination_rooms_count_ins"();
CREATE TRIGGER "destination_rooms_count_del" AFTER DELETE ON "destination_rooms"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "destination_rooms_count_del"();
CREATE TRIGGER "destination_rooms_count_upd" AFTER UPDATE ON "destination_rooms"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "destination_rooms_count_upd"();

-- Console sort orders: "<key> <dir> NULLS LAST, destination ASC". Orders the API's indexes
-- already serve (retry_interval both ways, failure_ts and last_successful_stream_ordering
-- ascending) are not repeated.
CREATE INDEX "destinations_failure_ts_desc_nl" ON "destinations"("failure_ts" DESC NULLS LAST, "destination");
CREATE INDEX "destinations_lsso_desc_nl" ON "destinations"("last_successful_stream_ordering" DESC NULLS LAST, "destination");
CREATE INDEX "destinations_last_attempt_asc" ON "destinations"("last_attempt_ts", "destination");
CREATE INDEX "destinations_last_attempt_desc_nl" ON "destinations"("last_attempt_ts" DESC NULLS LAST, "destination");
CREATE INDEX "destinations_rooms_count_asc" ON "destinations"("rooms_count", "destination");
CREATE INDEX "destinations_rooms_count_desc" ON "destinations"("rooms_count" DESC, "destination");
-- Next retry: retry_last_ts + retry_interval while backing off (numeric: no bigint overflow), else NULL.
CREATE INDEX "destinations_next_retry_asc" ON "destinations"((CASE WHEN "retry_last_ts" > 0 THEN "retry_last_ts"::numeric + "retry_interval" END), "destination");
CREATE INDEX "destinations_next_retry_desc_nl" ON "destinations"((CASE WHEN "retry_last_ts" > 0 THEN "retry_last_ts"::numeric + "retry_interval" END) DESC NULLS LAST, "destination");
-- Status rank (lib/destinations/destination-status.ts STATUS_RANK_SQL): healthy 0, retrying 1,
-- never contacted 2, backing off 3, blocked 4. A held claim counts as retrying here.
CREATE INDEX "destinations_status_asc" ON "destinations"((CASE WHEN "last_error_kind" = 'IP_BLOCKED' AND "retry_last_ts" > 0 THEN 4 WHEN "claimed_until" IS NOT NULL OR "wake_requested_at" IS NOT NULL THEN 1 WHEN "retry_last_ts" > 0 THEN 3 WHEN "last_attempt_ts" IS NULL THEN 2 ELSE 0 END), "destination");
CREATE INDEX "destinations_status_desc" ON "destinations"((CASE WHEN "last_error_kind" = 'IP_BLOCKED' AND "retry_last_ts" > 0 THEN 4 WHEN "claimed_until" IS NOT NULL OR "wake_requested_at" IS NOT NULL THEN 1 WHEN "retry_last_ts" > 0 THEN 3 WHEN "last_attempt_ts" IS NULL THEN 2 ELSE 0 END) DESC, "destination");
-- "Retrying now" filter: attempts in flight.
CREATE INDEX "destinations_claimed" ON "destinations"("claimed_until") WHERE "claimed_until" IS NOT NULL;
-- Audit log pages newest first, also filtered by action.
CREATE INDEX "audit_events_action_ts_idx" ON "audit_events"("action", "ts");
