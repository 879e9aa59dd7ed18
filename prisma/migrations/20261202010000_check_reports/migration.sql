-- Federation check reports (lib/checks): one row per check, kept bounded per server name
-- (FEDERATION_CHECK_HISTORY). A row is written when the check starts (report NULL: running),
-- which is also what the per-user rate limit counts. Never linked to the retry timings.
CREATE TABLE "check_reports" (
    "id" BIGSERIAL PRIMARY KEY,
    "server_name" TEXT NOT NULL,
    "trigger" TEXT NOT NULL DEFAULT 'manual',
    "requested_by" UUID REFERENCES "users"("id") ON DELETE SET NULL,
    "requested_email" TEXT NOT NULL,
    "requested_via" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "finished_at" TIMESTAMPTZ(3),
    "federation_ok" BOOLEAN,
    "headline" TEXT,
    "report" JSONB
);

CREATE INDEX "check_reports_server_name_id_idx" ON "check_reports" ("server_name", "id" DESC);
CREATE INDEX "check_reports_requested_by_started_at_idx" ON "check_reports" ("requested_by", "started_at");

-- When each user started checks in the last minute: the rate limit's count, kept apart from
-- the reports so the history bound cannot free a user's quota. Rows older than the window are
-- dropped whenever that user starts a check.
CREATE TABLE "check_starts" (
    "id" BIGSERIAL PRIMARY KEY,
    "user_id" UUID NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "check_starts_user_id_started_at_idx" ON "check_starts" ("user_id", "started_at");
