-- Live updates (README "Live updates"): every statement that changes destinations announces the
-- changed server names on the channel fedconsole_live, so open console pages redraw those rows.
-- Statement-level triggers with transition tables: one NOTIFY per statement (a scheduler claim
-- of 50 rows, an attempt's write, a bulk reset, a sync page), never one per row, and PostgreSQL
-- delivers it at COMMIT only (a rolled-back change announces nothing) and folds identical
-- payloads of one transaction into one (an attempt's two UPDATEs of its row).
--
-- Payload: the names separated by newlines (a server name has none), or '*' when the statement
-- changed more rows than a payload carries (NOTIFY payloads are limited to 8000 bytes): pages
-- then reload what they show. Rows whose every column stayed the same are left out.

CREATE FUNCTION "destinations_live_upd"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  names text;
BEGIN
  SELECT string_agg(x.destination, E'\n') INTO names FROM (
    SELECT n.destination FROM new_rows n JOIN old_rows o ON o.destination = n.destination
    WHERE n IS DISTINCT FROM o
    LIMIT 201) x;
  IF names IS NULL THEN
    RETURN NULL;
  END IF;
  IF octet_length(names) > 7900 OR array_length(string_to_array(names, E'\n'), 1) > 200 THEN
    names := '*';
  END IF;
  PERFORM pg_notify('fedconsole_live', names);
  RETURN NULL;
END $$;

CREATE FUNCTION "destinations_live_del"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  names text;
BEGIN
  SELECT string_agg(x.destination, E'\n') INTO names FROM (SELECT destination FROM old_rows LIMIT 201) x;
  IF names IS NULL THEN
    RETURN NULL;
  END IF;
  IF octet_length(names) > 7900 OR array_length(string_to_array(names, E'\n'), 1) > 200 THEN
    names := '*';
  END IF;
  PERFORM pg_notify('fedconsole_live', names);
  RETURN NULL;
END $$;

CREATE TRIGGER "destinations_live_upd" AFTER UPDATE ON "destinations"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "destinations_live_upd"();
CREATE TRIGGER "destinations_live_del" AFTER DELETE ON "destinations"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "destinations_live_del"();
