// A fresh database for one test run: a new database on E2E_PG_SERVER_URL when set (e.g. the
// machine's PostgreSQL), else an embedded PostgreSQL in a new temporary folder.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import pg from "pg";
import { ensureEmbeddedPostgres } from "../../lib/db/embedded";

export type TestDatabase = { url: string; describe: string; drop: () => Promise<void> };

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.E2E_PG_SERVER_URL;
  if (server) {
    const name = `fc_e2e_${crypto.randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
    await admin.end();
    const u = new URL(server);
    u.pathname = "/" + name;
    return {
      url: u.toString(),
      describe: `database ${name} on ${u.host}`,
      drop: async () => {
        const c = new pg.Client({ connectionString: server });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-e2e-"));
  fs.chmodSync(dir, 0o755); // the embedded server runs as the postgres user
  const h = await ensureEmbeddedPostgres(dir);
  return {
    url: h.url,
    describe: `embedded PostgreSQL in ${dir}`,
    drop: async () => {
      await h.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
