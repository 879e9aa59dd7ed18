// `npm start`: build if needed, open the database (embedded unless DATABASE_URL is set),
// apply migrations, serve the console and API, run the retry scheduler in-process.
import "../lib/process/closed-output"; // first: a closed log pipe must never raise (see there)
import http from "node:http";
import path from "node:path";
import next from "next";
import { exportAuthEnvironment, settings } from "../lib/settings/settings";
import { getDb, closeDb } from "../lib/db";
import { ownShutdownSignals } from "../lib/db/embedded";
import { ensureFirstAdmin } from "../lib/first-admin";
import { buildIfNeeded } from "./build-if-needed";
import { handleApiRequest, isApiPath } from "../lib/http/api-router";
import { healthAnswer } from "../lib/health";
import { serveApi } from "../lib/http/node-adapter";
import { hasMalformedPath, malformedUrlAnswer } from "../lib/http/malformed-url";
import { forwardedForFromSocket } from "../lib/http/client-address";
import { markLocalRequest } from "../lib/http/local-request";
import { resolveAuthSecret } from "../lib/auth/auth-secret";
import { disableTokenCache, enableTokenCache } from "../lib/auth/token-cache";
import { runScheduler } from "../lib/federation/run-scheduler";
import type { SchedulerHandle } from "../lib/federation/scheduler";
import { exitAfter } from "../lib/process/exit-deadline";

const log = (m: string) => console.log(`[fedconsole] ${m}`);
/** How long SIGTERM waits for requests in progress before closing their connections. */
const DRAIN_MS = 8_000;
/** After the drain, closing the scheduler and the database gets this long before the process exits anyway. */
const CLOSE_MS = 2_000;

async function main() {
  ownShutdownSignals(); // SIGTERM drains first; see lib/db/embedded.ts
  const root = path.resolve(import.meta.dirname, "..");
  process.chdir(root); // relative settings (FEDCONSOLE_DATA_DIR) are relative to the project
  const cfg = settings(); // every setting parsed now: a bad value stops start-up here, named
  buildIfNeeded(root, cfg.build, log);
  const db = await getDb({ log });
  if (cfg.tokenCache) enableTokenCache(db.pool, { databaseUrl: db.url, log }); // FEDCONSOLE_TOKEN_CACHE
  await ensureFirstAdmin(db, cfg.firstAdmin, log, `${cfg.publicUrl ?? `http://${cfg.hostname}:${cfg.port}`}/setup`);
  // Console sessions: one signing secret shared by every instance on this database (unless
  // AUTH_SECRET is given), and the public URL (AUTH_URL, else FEDCONSOLE_PUBLIC_URL) or else
  // the request's Host for next-auth.
  await resolveAuthSecret(async () => db.pool);
  exportAuthEnvironment(cfg);

  const app = next({ dev: false, dir: root, hostname: cfg.hostname, port: cfg.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((req, res) => {
    // First: whether the raw request is from this machine, not through a proxy (first-run setup).
    markLocalRequest(req.headers, req.socket.remoteAddress);
    // Sign-in throttling counts failures per client address (lib/http/client-address.ts):
    // only a trusted proxy's X-Forwarded-For is believed, else the socket's address is used.
    forwardedForFromSocket(req.headers, req.socket.remoteAddress, cfg.trustProxy);
    // The API is answered by lib/ directly (same code as the Next route handlers in app/,
    // without Next's routing cost); everything else is the Next console.
    const path = req.url ?? "/";
    const direct = isApiPath(path)
      ? handleApiRequest
      : path === "/health" || path.startsWith("/health?")
        ? healthAnswer
        : hasMalformedPath(path)
          ? malformedUrlAnswer // Next would answer 500 (lib/http/malformed-url.ts)
          : undefined;
    const work = direct ? serveApi(direct, req, res) : handle(req, res);
    work.catch((e: unknown) => {
      console.error(e);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(cfg.port, cfg.hostname, resolve);
  });
  log(`Serving the console and API on http://${cfg.hostname}:${cfg.port}`);
  let scheduler: SchedulerHandle | undefined;
  if (cfg.scheduler.enabled) scheduler = runScheduler(db, log);
  else log("Retry scheduler: off (FEDERATION_SCHEDULER=off); run `npm run scheduler` elsewhere");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    exitAfter(DRAIN_MS + CLOSE_MS); // whatever hangs (a database that does not answer), SIGTERM ends
    log(`${signal}: shutting down`);
    // Drain: no new connections; requests in progress finish (with the database still open),
    // keep-alive connections are closed as soon as they are idle; after DRAIN_MS the rest are cut.
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const cut = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
    server.closeIdleConnections();
    await Promise.all([drained, scheduler?.stop()]);
    clearInterval(idle);
    clearTimeout(cut);
    await disableTokenCache(); // its LISTEN connection first: the database is about to go
    await closeDb();
    log("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((e: unknown) => {
  console.error(`[fedconsole] failed to start: ${e instanceof Error ? e.message : String(e)}`);
  void closeDb().finally(() => process.exit(1));
});
