// Starts the retry scheduler with the settings from the environment: real attempts
// (attempt-connection.ts) against due destinations of this database.
import type { Db } from "../db";
import { attemptConnection, loadAttemptOptions } from "./attempt-connection";
import { loadSchedulerConfig } from "./scheduler-config";
import { startScheduler, type SchedulerHandle } from "./scheduler";

export function runScheduler(db: Db, log: (m: string) => void): SchedulerHandle {
  const config = loadSchedulerConfig();
  const attemptOptions = loadAttemptOptions();
  return startScheduler({
    pool: db.pool,
    databaseUrl: db.url,
    config,
    attemptTimeoutMs: attemptOptions.timeoutMs,
    attempt: (destination, signal, trigger) =>
      attemptConnection(destination, { ...attemptOptions, signal, refreshCache: trigger === "reset" }),
    log,
  });
}
