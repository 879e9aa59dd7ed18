-- The web process keeps the API's token checks in memory (lib/auth/token-cache.ts) and must
-- forget them the moment a token stops standing for what it did: revoked, deleted, its owner
-- removed or given another role. Every such change, by our code or by hand in SQL, NOTIFYs
-- fc_token_changes at its COMMIT; each cache empties when it hears it. last_used_at (written
-- by the token check itself, at most once a minute per token) is left out of the column list.
CREATE FUNCTION "fc_notify_token_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('fc_token_changes', '');
  RETURN NULL;
END $$;

CREATE TRIGGER "api_tokens_changed" AFTER UPDATE OF "id", "user_id", "name", "token_hash", "prefix", "revoked_at" OR DELETE ON "api_tokens"
  FOR EACH STATEMENT EXECUTE FUNCTION "fc_notify_token_change"();
CREATE TRIGGER "api_tokens_truncated" AFTER TRUNCATE ON "api_tokens"
  FOR EACH STATEMENT EXECUTE FUNCTION "fc_notify_token_change"();
CREATE TRIGGER "users_changed" AFTER UPDATE OF "id", "email", "role" OR DELETE ON "users"
  FOR EACH STATEMENT EXECUTE FUNCTION "fc_notify_token_change"();
CREATE TRIGGER "users_truncated" AFTER TRUNCATE ON "users"
  FOR EACH STATEMENT EXECUTE FUNCTION "fc_notify_token_change"();
