// `npm run scheduler`: the retry scheduler alone (for deployments whose web instances run
// with FEDERATION_SCHEDULER=off). Several may run against one PostgreSQL.
import "../lib/process/closed-output"; // first: a closed log pipe must never raise (see there)
import { getDb, closeDb } from "../lib/db";
import { ownShutdownSignals } from "../lib/db/embedded";
import { runScheduler } from "../lib/federation/run-scheduler";
import { exitAfter } from "../lib/process/exit-deadline";
import { serveSchedulerMetrics } from "./scheduler-metrics";

const log = (m: string) => console.log(`[scheduler] ${m}`);
/** How long SIGTERM lets attempts in flight finish before giving their claims back. */
const STOP_GRACE_MS = 5_000;

async function main() {
  ownShutdownSignals(); // SIGTERM drains first; see lib/db/embedded.ts
  const db = await getDb({ log });
  const scheduler = runScheduler(db, log);
  const metrics = await serveSchedulerMetrics(log); // FEDCONSOLE_SCHEDULER_METRICS_PORT, if set
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    exitAfter(STOP_GRACE_MS + 3_000); // whatever hangs (a database that does not answer), SIGTERM ends
    log(`${signal}: finishing in-flight attempts`);
    metrics?.close();
    await scheduler.stop(STOP_GRACE_MS);
    await closeDb();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((e: unknown) => {
  console.error(`[scheduler] failed to start: ${e instanceof Error ? e.message : String(e)}`);
  void closeDb().finally(() => process.exit(1));
});
