// A fresh, migrated database for tests that need a real PostgreSQL: a new database on
// TEST_PG_SERVER_URL or on the machine's server (127.0.0.1:5432) when it answers, otherwise
// an embedded PostgreSQL in a temporary folder — so tests pass with only the embedded default.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import pg from "pg";
import { ensureEmbeddedPostgres } from "../db/embedded";
import { applyMigrations } from "../db/migrate";

export type TestDatabase = { url: string; pool: pg.Pool; describe: string; close: () => Promise<void> };

export type TestDatabaseOptions = {
  /** A PostgreSQL server to create the database on; default TEST_PG_SERVER_URL. */
  serverUrl?: string;
  /** Use the machine's server (127.0.0.1:5432) when it answers and no serverUrl is given. Default true. */
  probeLocal?: boolean;
};

const LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres";

async function answers(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

export async function createTestDatabase(opts: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const given = opts.serverUrl ?? process.env.TEST_PG_SERVER_URL;
  const server = given || (opts.probeLocal !== false && (await answers(LOCAL_SERVER)) ? LOCAL_SERVER : undefined);
  let url: string;
  let describe: string;
  let drop: () => Promise<void>;
  if (server) {
    const name = `fc_test_${crypto.randomBytes(5).toString("hex")}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
    await admin.end();
    const u = new URL(server);
    u.pathname = "/" + name;
    url = u.toString();
    describe = `database ${name} on ${u.host}`;
    drop = async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-test-"));
    fs.chmodSync(dir, 0o755);
    const h = await ensureEmbeddedPostgres(dir);
    url = h.url;
    describe = `embedded PostgreSQL in ${dir}`;
    drop = async () => {
      await h.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  pool.on("error", () => {}); // a backend terminated from outside must not crash the test process
  pool.on("connect", (c) => c.on("error", () => {}));
  await applyMigrations(pool);
  return {
    url,
    pool,
    describe,
    close: async () => {
      await pool.end();
      await drop();
    },
  };
}
