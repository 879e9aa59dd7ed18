-- The overview's "certificates expiring" panel walks the announced expiry dates (from attempts
-- and checks, lib/webhooks/note-attempt.ts) in order: an index instead of a scan of a row per
-- destination.
CREATE INDEX "alert_states_cert_not_after" ON "alert_states" ("cert_announced_not_after")
  WHERE "cert_announced_not_after" IS NOT NULL;
