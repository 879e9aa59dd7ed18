-- Live updates (README "Live updates"): open console pages redraw the rows that change. The
-- code that changes destinations announces them on the channel fedconsole_live
-- (lib/live/announce.ts: attempts and claims batched after their COMMIT, resets and sync pages
-- inside their transaction). Removals are announced here, by whatever statement makes them
-- (forgetting a destination), once per statement: the names separated by newlines, or '*'
-- when more than a payload carries (NOTIFY payloads are limited to 8000 bytes). Deletions are
-- rare; a NOTIFY in every UPDATE would serialize the scheduler's COMMITs (announce.ts says why).

CREATE FUNCTION "destinations_live_del"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  names text;
  k integer;
BEGIN
  SELECT string_agg(x.destination, E'\n'), count(*) INTO names, k FROM (SELECT destination FROM old_rows LIMIT 201) x;
  IF names IS NULL THEN
    RETURN NULL;
  END IF;
  IF k > 200 OR octet_length(names) > 7900 THEN
    names := '*';
  END IF;
  PERFORM pg_notify('fedconsole_live', names);
  RETURN NULL;
END $$;

CREATE TRIGGER "destinations_live_del" AFTER DELETE ON "destinations"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "destinations_live_del"();
