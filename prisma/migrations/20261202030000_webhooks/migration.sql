-- Alert webhooks (lib/webhooks/): endpoints, per-destination alert state written with each
-- attempt, pending alerts waiting to be grouped, the events they became, and the outbox of
-- deliveries (one row per event and endpoint) with a log of every try.

CREATE TABLE "webhook_endpoints" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "url" TEXT NOT NULL,
    -- The HMAC secret, AES-256-GCM under a key derived from app_secrets 'webhook_key'
    -- (lib/webhooks/secret-box.ts): it must be recoverable to sign, so it cannot be hashed.
    "secret_box" TEXT NOT NULL,
    -- down | recovered | dead | cert_expiring | sync_failing
    "events" TEXT[] NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "description" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id")
);

-- What the alerting knows of a destination, updated in the transaction that records an attempt.
CREATE TABLE "alert_states" (
    "destination" TEXT COLLATE "C" NOT NULL,
    -- up | down
    "state" TEXT NOT NULL,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "failing_since" BIGINT,
    "last_reason" TEXT,
    "last_message" TEXT,
    -- The current down episode was announced (false: damped, announced later if it lasts).
    "down_announced" BOOLEAN NOT NULL DEFAULT false,
    "last_down_alert_at" BIGINT,
    "dead_announced" BOOLEAN NOT NULL DEFAULT false,
    -- notAfter of the certificate last announced as expiring.
    "cert_announced_not_after" BIGINT,
    CONSTRAINT "alert_states_pkey" PRIMARY KEY ("destination"),
    CONSTRAINT "alert_states_destination_fkey" FOREIGN KEY ("destination") REFERENCES "destinations"("destination") ON DELETE CASCADE
);

-- Damped downs waiting for their gap, and downs that may turn dead.
CREATE INDEX "alert_states_failing" ON "alert_states" ("failing_since") WHERE "state" <> 'up';

-- Transitions waiting to be grouped into events (lib/webhooks/group-alerts.ts).
CREATE TABLE "alert_pending" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "destination" TEXT COLLATE "C",
    "at" BIGINT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    CONSTRAINT "alert_pending_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "webhook_events" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "created_at" BIGINT NOT NULL,
    -- The JSON body as sent (text: every retry sends the same bytes, signed anew).
    "body" TEXT NOT NULL,
    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);

-- The outbox: one delivery per event and endpoint.
CREATE TABLE "webhook_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "event_id" BIGINT NOT NULL,
    "endpoint_id" UUID NOT NULL,
    -- pending | delivered | failed
    "status" TEXT NOT NULL DEFAULT 'pending',
    "tries" INTEGER NOT NULL DEFAULT 0,
    "created_at" BIGINT NOT NULL,
    "next_try_at" BIGINT NOT NULL,
    "claimed_until" BIGINT,
    "claimed_by" TEXT,
    "finished_at" BIGINT,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "webhook_deliveries_event_fkey" FOREIGN KEY ("event_id") REFERENCES "webhook_events"("id") ON DELETE CASCADE,
    CONSTRAINT "webhook_deliveries_endpoint_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE
);

CREATE INDEX "webhook_deliveries_due" ON "webhook_deliveries" ("next_try_at") WHERE "status" = 'pending';
CREATE INDEX "webhook_deliveries_endpoint" ON "webhook_deliveries" ("endpoint_id", "id" DESC);

-- Every try of a delivery: when, the answer's status, how long, what went wrong.
CREATE TABLE "webhook_delivery_tries" (
    "id" BIGSERIAL NOT NULL,
    "delivery_id" BIGINT NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "at" BIGINT NOT NULL,
    "status_code" INTEGER,
    "duration_ms" INTEGER NOT NULL,
    "error" TEXT,
    "ok" BOOLEAN NOT NULL,
    "scheduler" TEXT NOT NULL,
    CONSTRAINT "webhook_delivery_tries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "webhook_delivery_tries_delivery_fkey" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE
);

CREATE INDEX "webhook_delivery_tries_endpoint" ON "webhook_delivery_tries" ("endpoint_id", "id" DESC);
CREATE INDEX "webhook_delivery_tries_delivery" ON "webhook_delivery_tries" ("delivery_id");

-- One-off marks of the alerting (e.g. which upstream outage was announced).
CREATE TABLE "alert_marks" (
    "key" TEXT NOT NULL,
    "value" BIGINT NOT NULL,
    CONSTRAINT "alert_marks_pkey" PRIMARY KEY ("key")
);
