-- The substring search's trigram index moves to a table of the names alone.
--
-- On destinations, the GIN trigram index of the name was the largest cost of every attempt the
-- scheduler records: an UPDATE that changes an indexed column (the timings, the last attempt,
-- the claim) writes a new row version with an entry in every index, and for the trigram index
-- that is ~25 posting-list insertions per version, though the name never changes (measured at
-- 10,000 attempts: 1.4 ms of the database's 3.4 ms of CPU per attempt). destination_names
-- holds each destination's name once, written only when a destination is added or removed,
-- so its index is never touched by updates; and a count of the matches reads this narrow
-- table, not the wide rows of destinations.
--
-- Kept exact in the same transaction by statement-level triggers on destinations (as
-- destination_count): INSERT (COPY and INSERT … ON CONFLICT included: their transition table
-- holds only the rows inserted), DELETE, TRUNCATE, and an UPDATE of the name itself (nothing
-- renames a destination today; a row trigger keeps the table right should anything do so).

CREATE TABLE "destination_names" (
    "destination" TEXT NOT NULL,
    CONSTRAINT "destination_names_pkey" PRIMARY KEY ("destination")
);

-- No destination may be added or removed between the copy and the triggers.
LOCK TABLE "destinations" IN SHARE ROW EXCLUSIVE MODE;
INSERT INTO "destination_names" ("destination") SELECT "destination" FROM "destinations";
CREATE INDEX "destination_names_trgm" ON "destination_names" USING GIN ("destination" gin_trgm_ops);
DROP INDEX "destinations_destination_trgm";

CREATE FUNCTION "destination_names_ins"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO destination_names (destination) SELECT destination FROM new_rows;
  RETURN NULL;
END $$;

CREATE FUNCTION "destination_names_del"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM destination_names n USING old_rows o WHERE n.destination = o.destination;
  RETURN NULL;
END $$;

-- Per row (transition tables cannot go with a column list), and only when a statement names
-- the column in its SET list and changes it: no statement of ours does.
CREATE FUNCTION "destination_names_upd"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE destination_names SET destination = NEW.destination WHERE destination = OLD.destination;
  RETURN NULL;
END $$;

CREATE FUNCTION "destination_names_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE destination_names;
  RETURN NULL;
END $$;

CREATE TRIGGER "destination_names_ins" AFTER INSERT ON "destinations"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "destination_names_ins"();
CREATE TRIGGER "destination_names_del" AFTER DELETE ON "destinations"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "destination_names_del"();
CREATE TRIGGER "destination_names_upd" AFTER UPDATE OF "destination" ON "destinations"
    FOR EACH ROW WHEN (OLD."destination" IS DISTINCT FROM NEW."destination") EXECUTE FUNCTION "destination_names_upd"();
CREATE TRIGGER "destination_names_truncate" AFTER TRUNCATE ON "destinations"
    FOR EACH STATEMENT EXECUTE FUNCTION "destination_names_truncate"();
