-- The exact number of destinations, kept transactionally by statement-level triggers, so the
-- unfiltered list's `total` is a one-row read instead of a count over the whole table (which
-- costs ~60 ms at a million destinations and grows with the table).
--
-- One row, updated once per INSERT/DELETE statement that adds or removes destinations (COPY
-- and multi-row INSERTs included), never per row. Statements that add no row (the scheduler's
-- INSERT ... ON CONFLICT DO UPDATE of an existing destination) do not touch it, so they never
-- wait for its row lock. TRUNCATE resets it.

CREATE TABLE "destination_count" (
    "id" BOOLEAN NOT NULL DEFAULT true,
    "n" BIGINT NOT NULL,
    CONSTRAINT "destination_count_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "destination_count_one_row" CHECK ("id")
);

-- No destination may be added or removed between the initial count and the triggers.
LOCK TABLE "destinations" IN SHARE ROW EXCLUSIVE MODE;
INSERT INTO "destination_count" ("id", "n") SELECT true, count(*) FROM "destinations";

CREATE FUNCTION "destination_count_ins"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k bigint;
BEGIN
  SELECT count(*) INTO k FROM new_rows;
  IF k > 0 THEN
    UPDATE destination_count SET n = n + k;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION "destination_count_del"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k bigint;
BEGIN
  SELECT count(*) INTO k FROM old_rows;
  IF k > 0 THEN
    UPDATE destination_count SET n = n - k;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION "destination_count_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE destination_count SET n = 0;
  RETURN NULL;
END $$;

CREATE TRIGGER "destination_count_ins" AFTER INSERT ON "destinations"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "destination_count_ins"();
CREATE TRIGGER "destination_count_del" AFTER DELETE ON "destinations"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "destination_count_del"();
CREATE TRIGGER "destination_count_truncate" AFTER TRUNCATE ON "destinations"
    FOR EACH STATEMENT EXECUTE FUNCTION "destination_count_truncate"();
