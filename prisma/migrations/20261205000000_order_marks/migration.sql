-- Where a position falls in the list's other orders (retry_last_ts, retry_interval, failure_ts,
-- last_successful_stream_ordering, each both ways), so that a deep page starts near it instead
-- of walking every key before it (from=500,000 at a million: ~20 ms of index walk).
--
-- destination_blocks (20261204000000) counts names, which only inserts and deletes move. These
-- keys change on every attempt, so counts kept in place would put a hot row in every attempt's
-- transaction. Instead:
--
-- - destination_order_marks: every 4,096th row of each order (its key and name) and how many
--   rows were before it, taken in one snapshot by one statement (lib/destinations/order-marks.ts); `total` is
--   the table's count in that snapshot.
-- - destination_order_log: every change since, appended (no row is ever updated, so writers
--   never wait on each other): a row leaving the orders (sign -1: deleted, or its old keys) and
--   a row entering them (sign +1: inserted, or its new keys).
--
-- A reader in one snapshot takes a mark at or before its position and corrects the mark's
-- count by the logged rows on either side of it (lib/destinations/order-marks.ts). The refresh
-- deletes exactly the log rows its snapshot saw, in the same statement that writes the new
-- marks, so marks and log always agree. A bulk load into the empty table (which logs nothing)
-- drops the marks, under its ACCESS EXCLUSIVE lock.

CREATE TABLE "destination_order_marks" (
    "sort" TEXT NOT NULL,
    "dir" TEXT NOT NULL,
    "before" BIGINT NOT NULL,
    "k" BIGINT,
    "destination" TEXT COLLATE "C" NOT NULL,
    "total" BIGINT NOT NULL
);
-- Not unique: the refresh deletes the old marks and inserts the new in one statement.
CREATE INDEX "destination_order_marks_position" ON "destination_order_marks" ("sort", "dir", "before");

CREATE TABLE "destination_order_log" (
    "sign" SMALLINT NOT NULL,
    "destination" TEXT COLLATE "C" NOT NULL,
    "retry_last_ts" BIGINT,
    "retry_interval" BIGINT,
    "failure_ts" BIGINT,
    "last_successful_stream_ordering" BIGINT
);

CREATE FUNCTION "destination_order_log_ins"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('fedconsole.bulk_load', true) = 'on' THEN
    RETURN NULL; -- the load drops the marks before it commits
  END IF;
  INSERT INTO destination_order_log
    SELECT 1, destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering FROM new_rows;
  RETURN NULL;
END $$;

CREATE FUNCTION "destination_order_log_del"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO destination_order_log
    SELECT -1, destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering FROM old_rows;
  RETURN NULL;
END $$;

CREATE FUNCTION "destination_order_log_upd"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO destination_order_log VALUES
    (-1, OLD.destination, OLD.retry_last_ts, OLD.retry_interval, OLD.failure_ts, OLD.last_successful_stream_ordering),
    (1, NEW.destination, NEW.retry_last_ts, NEW.retry_interval, NEW.failure_ts, NEW.last_successful_stream_ordering);
  RETURN NULL;
END $$;

CREATE TRIGGER "destination_order_log_ins" AFTER INSERT ON "destinations"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "destination_order_log_ins"();
CREATE TRIGGER "destination_order_log_del" AFTER DELETE ON "destinations"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "destination_order_log_del"();
-- Only a change of a sort key or of the name moves a row (a claim or an error message does not).
CREATE TRIGGER "destination_order_log_upd" AFTER UPDATE ON "destinations"
    FOR EACH ROW WHEN (
      OLD."destination" IS DISTINCT FROM NEW."destination"
      OR OLD."retry_last_ts" IS DISTINCT FROM NEW."retry_last_ts"
      OR OLD."retry_interval" IS DISTINCT FROM NEW."retry_interval"
      OR OLD."failure_ts" IS DISTINCT FROM NEW."failure_ts"
      OR OLD."last_successful_stream_ordering" IS DISTINCT FROM NEW."last_successful_stream_ordering"
    ) EXECUTE FUNCTION "destination_order_log_upd"();

-- No marks, no log: readers walk the index until the next refresh.
CREATE FUNCTION "destination_order_marks_drop"() RETURNS void LANGUAGE sql AS $$
  DELETE FROM destination_order_marks;
  DELETE FROM destination_order_log;
$$;

CREATE FUNCTION "destination_order_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM destination_order_marks_drop();
  RETURN NULL;
END $$;
CREATE TRIGGER "destination_order_truncate" AFTER TRUNCATE ON "destinations"
    FOR EACH STATEMENT EXECUTE FUNCTION "destination_order_truncate"();
