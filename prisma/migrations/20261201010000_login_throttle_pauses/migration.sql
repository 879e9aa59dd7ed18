-- Sign-in throttle keys are now "pair:<account> from <address>", "address:<address>" and
-- "account:<account>" (lib/auth/throttle-keys.ts). pauses = how many pauses in a row a key has
-- had (each one within a day of the previous doubles the next; lib/auth/login-throttle.ts).
ALTER TABLE "login_throttle" ADD COLUMN "pauses" INTEGER NOT NULL DEFAULT 0;
