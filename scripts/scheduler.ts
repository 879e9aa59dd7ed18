// `npm run scheduler`: the retry scheduler alone (for deployments whose web instances run
// with FEDERATION_SCHEDULER=off). Several may run against one PostgreSQL.
import { getDb, closeDb } from "../lib/db";
import { ownShutdownSignals } from "../lib/db/embedded";
import { runScheduler } from "../lib/federation/run-scheduler";

const log = (m: string) => console.log(`[scheduler] ${m}`);

async function main() {
  ownShutdownSignals(); // SIGTERM drains first; see lib/db/embedded.ts
  const db = await getDb({ log });
  const scheduler = runScheduler(db, log);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing in-flight attempts`);
    await scheduler.stop();
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
