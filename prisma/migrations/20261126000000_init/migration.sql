-- Initial schema. Hand-written to match prisma/schema.prisma, plus what Prisma's schema
-- language cannot say: the "C" collation of server names and the trigram index.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TYPE "Role" AS ENUM ('viewer', 'operator', 'admin');

CREATE TABLE "destinations" (
    "destination" TEXT COLLATE "C" NOT NULL,
    "retry_last_ts" BIGINT NOT NULL DEFAULT 0,
    "retry_interval" BIGINT NOT NULL DEFAULT 0,
    "failure_ts" BIGINT,
    "last_successful_stream_ordering" BIGINT,
    "last_attempt_ts" BIGINT,
    "last_outcome" TEXT,
    "last_error_kind" TEXT,
    "last_error_message" TEXT,
    "last_success_ts" BIGINT,
    "resolved_address" TEXT,
    "server_software" TEXT,
    "server_version" TEXT,
    CONSTRAINT "destinations_pkey" PRIMARY KEY ("destination")
);

CREATE INDEX "destinations_retry_last_ts_asc" ON "destinations"("retry_last_ts", "destination");
CREATE INDEX "destinations_retry_last_ts_desc" ON "destinations"("retry_last_ts" DESC, "destination");
CREATE INDEX "destinations_retry_interval_asc" ON "destinations"("retry_interval", "destination");
CREATE INDEX "destinations_retry_interval_desc" ON "destinations"("retry_interval" DESC, "destination");
CREATE INDEX "destinations_failure_ts_asc" ON "destinations"("failure_ts", "destination");
CREATE INDEX "destinations_failure_ts_desc" ON "destinations"("failure_ts" DESC, "destination");
CREATE INDEX "destinations_lsso_asc" ON "destinations"("last_successful_stream_ordering", "destination");
CREATE INDEX "destinations_lsso_desc" ON "destinations"("last_successful_stream_ordering" DESC, "destination");
-- Case-insensitive substring search (ILIKE '%term%') without a table scan.
CREATE INDEX "destinations_destination_trgm" ON "destinations" USING GIN ("destination" gin_trgm_ops);

CREATE TABLE "destination_rooms" (
    "destination" TEXT COLLATE "C" NOT NULL,
    "room_id" TEXT COLLATE "C" NOT NULL,
    "stream_ordering" BIGINT NOT NULL,
    CONSTRAINT "destination_rooms_pkey" PRIMARY KEY ("destination", "room_id"),
    CONSTRAINT "destination_rooms_destination_fkey" FOREIGN KEY ("destination")
        REFERENCES "destinations"("destination") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT,
    "role" "Role" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id")
        REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");
CREATE INDEX "api_tokens_user_id_idx" ON "api_tokens"("user_id");

CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "ts" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "actor_user_id" UUID,
    "via" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "destination" TEXT COLLATE "C",
    "detail" JSONB,
    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_events_ts_idx" ON "audit_events"("ts");
CREATE INDEX "audit_events_destination_ts_idx" ON "audit_events"("destination", "ts");
CREATE INDEX "audit_events_actor_ts_idx" ON "audit_events"("actor", "ts");
