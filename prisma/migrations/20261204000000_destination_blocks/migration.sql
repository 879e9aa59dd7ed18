-- Where a position in name order falls, so that a deep page of the list by name starts at the
-- right block instead of walking every name before it.
--
-- `from=500000` by destination walked 500,000 index entries to skip them (36–47 ns each:
-- ~20 ms at a million destinations, growing with the table). destination_blocks cuts the names
-- in byte order into blocks of ~4,096 and keeps how many each holds: the rows before a position
-- are a sum over ~250 counts, and the walk starts at the block's first name with at most
-- 8,192 entries to skip. Names never change, so only adding and removing destinations touch
-- the blocks; the scheduler's updates do not.
--
-- A block is named by its lower bound (`bound`: the first block's is '', which sorts before
-- every name) and holds the names from there up to the next block's bound. It is kept exact in
-- the same transaction by the destination_count triggers: they already take destination_count's
-- one row lock for every statement that adds or removes destinations, so every writer of the
-- blocks holds that lock until its commit and they cannot interleave. A block that grows past
-- 8,192 names is split where it stands (its names counted again, in parts of 4,096); one that
-- falls under 1,024 is merged into the one before. A bulk load into the empty table
-- (fedconsole.bulk_load = on, lib/destinations/import/bulk-load.ts) skips the per-statement
-- work and rebuilds the blocks once before it commits.

CREATE TABLE "destination_blocks" (
    "bound" TEXT COLLATE "C" NOT NULL,
    "n" BIGINT NOT NULL,
    CONSTRAINT "destination_blocks_pkey" PRIMARY KEY ("bound")
);

-- Every block from scratch: parts of 4,096 names in order; one empty block for an empty table.
CREATE FUNCTION "destination_blocks_rebuild"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM destination_blocks;
  INSERT INTO destination_blocks (bound, n)
    SELECT CASE WHEN part = 0 THEN '' ELSE min(destination) END, count(*)
    FROM (SELECT destination, (row_number() OVER (ORDER BY destination) - 1) / 4096 AS part FROM destinations) r
    GROUP BY part;
  IF NOT FOUND THEN
    INSERT INTO destination_blocks (bound, n) VALUES ('', 0);
  END IF;
END $$;

-- One block counted again and cut into parts of 4,096 names (the first part keeps its bound).
CREATE FUNCTION "destination_blocks_split"(b TEXT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  hi TEXT;
BEGIN
  -- The block's names: up to the next bound, or for the last block up to the greatest name —
  -- two bounds either way, so that the walk is an index range (an "IS NULL OR" would not be).
  SELECT min(bound) INTO hi FROM destination_blocks WHERE bound > b;
  IF hi IS NULL THEN
    SELECT max(destination) || chr(1) INTO hi FROM destinations;
  END IF;
  WITH parts AS (
    SELECT part, min(destination) AS first, count(*) AS n
    FROM (SELECT destination, (row_number() OVER (ORDER BY destination) - 1) / 4096 AS part
          FROM destinations WHERE destination >= b AND destination < hi) r
    GROUP BY part
  ), first_part AS (
    UPDATE destination_blocks SET n = coalesce((SELECT p.n FROM parts p WHERE p.part = 0), 0) WHERE bound = b
  )
  INSERT INTO destination_blocks (bound, n) SELECT first, n FROM parts WHERE part > 0;
END $$;

-- The count's triggers, now also keeping the blocks. destination_count's UPDATE comes first: it
-- is the lock that orders every writer of the blocks (see the top).
CREATE OR REPLACE FUNCTION "destination_count_ins"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k bigint;
  big text;
BEGIN
  SELECT count(*) INTO k FROM new_rows;
  IF k = 0 THEN
    RETURN NULL;
  END IF;
  UPDATE destination_count SET n = n + k;
  IF NOT FOUND THEN -- no counter row (never expected): the same order by another lock
    PERFORM pg_advisory_xact_lock(hashtext('destination_blocks'));
  END IF;
  IF current_setting('fedconsole.bulk_load', true) = 'on' THEN
    RETURN NULL; -- the load rebuilds the blocks before it commits
  END IF;
  UPDATE destination_blocks b SET n = b.n + g.k
  FROM (SELECT (SELECT x.bound FROM destination_blocks x WHERE x.bound <= r.destination ORDER BY x.bound DESC LIMIT 1) AS blk,
               count(*) AS k
        FROM new_rows r GROUP BY 1) g
  WHERE b.bound = g.blk;
  FOR big IN SELECT bound FROM destination_blocks WHERE n > 8192 LOOP
    PERFORM destination_blocks_split(big);
  END LOOP;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "destination_count_del"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k bigint;
  small text;
BEGIN
  SELECT count(*) INTO k FROM old_rows;
  IF k = 0 THEN
    RETURN NULL;
  END IF;
  UPDATE destination_count SET n = n - k;
  IF NOT FOUND THEN -- no counter row (never expected): the same order by another lock
    PERFORM pg_advisory_xact_lock(hashtext('destination_blocks'));
  END IF;
  UPDATE destination_blocks b SET n = b.n - g.k
  FROM (SELECT (SELECT x.bound FROM destination_blocks x WHERE x.bound <= r.destination ORDER BY x.bound DESC LIMIT 1) AS blk,
               count(*) AS k
        FROM old_rows r GROUP BY 1) g
  WHERE b.bound = g.blk;
  FOR small IN SELECT bound FROM destination_blocks WHERE n < 1024 AND bound <> '' ORDER BY bound LOOP
    UPDATE destination_blocks SET n = n + (SELECT s.n FROM destination_blocks s WHERE s.bound = small)
      WHERE bound = (SELECT max(p.bound) FROM destination_blocks p WHERE p.bound < small);
    DELETE FROM destination_blocks WHERE bound = small;
  END LOOP;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "destination_count_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE destination_count SET n = 0;
  DELETE FROM destination_blocks;
  INSERT INTO destination_blocks (bound, n) VALUES ('', 0);
  RETURN NULL;
END $$;

-- A renamed destination (nothing renames one today) moves between blocks, under the same lock.
CREATE FUNCTION "destination_blocks_upd"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE destination_count SET n = n;
  IF NOT FOUND THEN
    PERFORM pg_advisory_xact_lock(hashtext('destination_blocks'));
  END IF;
  UPDATE destination_blocks SET n = n - 1
    WHERE bound = (SELECT max(bound) FROM destination_blocks WHERE bound <= OLD.destination);
  UPDATE destination_blocks SET n = n + 1
    WHERE bound = (SELECT max(bound) FROM destination_blocks WHERE bound <= NEW.destination);
  RETURN NULL;
END $$;

CREATE TRIGGER "destination_blocks_upd" AFTER UPDATE OF "destination" ON "destinations"
    FOR EACH ROW WHEN (OLD."destination" IS DISTINCT FROM NEW."destination") EXECUTE FUNCTION "destination_blocks_upd"();

-- No destination may be added or removed between the first build and the triggers.
LOCK TABLE "destinations" IN SHARE ROW EXCLUSIVE MODE;
SELECT destination_blocks_rebuild();
