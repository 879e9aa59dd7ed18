// A fresh, migrated database for tests that need a real PostgreSQL: a new database on
// TEST_PG_SERVER_URL or on the machine's server (127.0.0.1:5432) when it answers, otherwise
// an embedded PostgreSQL in a temporary folder — so tests pass with only the embedded default.
//
// On a server, each database is a copy of a migrated template (CREATE DATABASE … TEMPLATE):
// one file copy instead of running every migration again in each of the suite's ~70 files.
// The template is named by a hash of the migrations, made once under an advisory lock and
// published by a rename, so a half-made one is never used and a changed migration makes a new
// one (older ones are dropped then). Migrations still run on the copy (nothing left to apply).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import pg from "pg";
import { ensureEmbeddedPostgres } from "../db/embedded";
import { applyMigrations, migrationsDir } from "../db/migrate";

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

/** Advisory lock key of the template's creation (any constant of ours). */
const TEMPLATE_LOCK = 7_302_117_004;
const templates = new Map<string, Promise<string>>();

/** fc_template_<hash of every migration's name and text>. */
function templateName(): string {
  const dir = migrationsDir();
  const h = crypto.createHash("sha256");
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name, "migration.sql");
    if (!fs.existsSync(file)) continue;
    h.update(name).update("\0").update(fs.readFileSync(file)).update("\0");
  }
  return `fc_template_${h.digest("hex").slice(0, 16)}`;
}

function withDatabase(server: string, name: string): string {
  const u = new URL(server);
  u.pathname = "/" + name;
  return u.toString();
}

/** The migrated template on `server`, made if missing (once per process, serialized across processes). */
function migratedTemplate(server: string): Promise<string> {
  let t = templates.get(server);
  if (!t) {
    t = makeTemplate(server);
    t.catch(() => templates.delete(server));
    templates.set(server, t);
  }
  return t;
}

async function makeTemplate(server: string): Promise<string> {
  const name = templateName();
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK]);
    const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) {
      const building = `${name}_${crypto.randomBytes(3).toString("hex")}`;
      await admin.query(`CREATE DATABASE ${building} TEMPLATE template0 ENCODING 'UTF8'`);
      const pool = new pg.Pool({ connectionString: withDatabase(server, building), max: 1 });
      try {
        await applyMigrations(pool);
      } finally {
        await pool.end();
      }
      await waitUntilUnused(admin, building);
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      // Templates of other migration sets (older checkouts) are not needed any more.
      const old = await admin.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE 'fc\\_template\\_%' AND datname <> $1",
        [name],
      );
      for (const r of old.rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`).catch(() => {});
    }
    return name;
  } finally {
    await admin.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK]).catch(() => {});
    await admin.end();
  }
}

/** A closed pool's backends leave shortly after: a template must have none to be copied or renamed. */
async function waitUntilUnused(admin: pg.Client, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const r = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [name]);
    if (r.rows[0].n === 0) return;
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** CREATE DATABASE … TEMPLATE, retried while the template is still in use (55006). */
async function copyTemplate(admin: pg.Client, name: string, template: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== "55006" || attempt >= 50) throw e;
      await new Promise((res) => setTimeout(res, 100));
    }
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
    const template = await migratedTemplate(server);
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    try {
      await copyTemplate(admin, name, template);
    } finally {
      await admin.end();
    }
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
