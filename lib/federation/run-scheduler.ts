// Starts the retry scheduler with this process's settings: real attempts
// (attempt-connection.ts) against due destinations of this database.
import type { Db } from "../db";
import { settings } from "../settings/settings";
import { attemptConnection, attemptOptionsFrom } from "./attempt-connection";
import { startScheduler, type SchedulerHandle } from "./scheduler";

export function runScheduler(db: Db, log: (m: string) => void): SchedulerHandle {
  const s = settings();
  const attemptOptions = attemptOptionsFrom(s.attempts);
  return startScheduler({
    pool: db.pool,
    databaseUrl: db.url,
    config: s.scheduler,
    attemptTimeoutMs: attemptOptions.timeoutMs,
    attempt: (destination, signal, trigger) =>
      attemptConnection(destination, { ...attemptOptions, signal, refreshCache: trigger === "reset" }),
    log,
  });
}
