-- "Attempt now" (lib/destinations/attempt-now.ts): when each user started a manual attempt in
-- the last minute, for the per-user rate limit (FEDERATION_MANUAL_ATTEMPT_RATE_LIMIT), counted in
-- the database so every process shares the count — as check_starts does for checks.
CREATE TABLE "attempt_starts" (
    "id" BIGSERIAL PRIMARY KEY,
    "user_id" UUID NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "attempt_starts_user_id_started_at_idx" ON "attempt_starts" ("user_id", "started_at");
