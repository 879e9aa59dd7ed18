-- Revocable console sessions: a session carries the version its user had when it was issued and
-- is accepted only while the user still has that version (app/_auth/session.ts). A password
-- change, an admin-set password and "sign out everywhere" add one, ending every existing session.
ALTER TABLE "users" ADD COLUMN "session_version" INTEGER NOT NULL DEFAULT 0;
