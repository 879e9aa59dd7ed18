// A Synapse-shaped database for the database source's tests and benchmarks: a fresh database
// on a PostgreSQL server (the one createTestDatabase found: the machine's, or an embedded
// one) with Synapse's own table definitions (synapse-schema.sql — NOT our migrations) and a
// read-only login role that has exactly `GRANT SELECT ON destinations, destination_rooms`,
// the grant README tells operators to give. close() drops both.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

export type SynapseDatabase = {
  name: string;
  /** Superuser connection to the new database (fills it, changes rows under the source). */
  admin: pg.Pool;
  adminUrl: string;
  /** The read-only role's URL: what FEDCONSOLE_UPSTREAM_DATABASE_URL would be. */
  readOnlyUrl: string;
  role: string;
  close(): Promise<void>;
};

export type SynapseDatabaseOptions = {
  /** Locale clause of CREATE DATABASE; default Synapse's required `LC_COLLATE 'C' LC_CTYPE 'C'`. */
  locale?: string;
  /** Runs after the tables exist and before keys, indexes and foreign keys (fast bulk loads). */
  load?: (client: pg.PoolClient) => Promise<void>;
};

const SCHEMA_FILE = path.join(import.meta.dirname, "synapse-schema.sql");

/** The schema in its two parts: tables, then constraints (split at the "-- constraints" line). */
export function synapseSchema(): { tables: string; constraints: string } {
  const sql = fs.readFileSync(SCHEMA_FILE, "utf8");
  const at = sql.indexOf("\n-- constraints\n");
  if (at < 0) throw new Error(`${SCHEMA_FILE} has no "-- constraints" line`);
  return { tables: sql.slice(0, at), constraints: sql.slice(at) };
}

function withDatabase(url: string, database: string, user?: { name: string; password: string }): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  if (user) {
    u.username = user.name;
    u.password = user.password;
  }
  return u.toString();
}

/** `serverUrl`: any database on the server, as a superuser (TestDatabase.url will do). */
export async function createSynapseDatabase(
  serverUrl: string,
  opts: SynapseDatabaseOptions = {},
): Promise<SynapseDatabase> {
  const id = crypto.randomBytes(5).toString("hex");
  const name = `fc_synapse_${id}`;
  const role = `fc_synapse_ro_${id}`;
  const password = crypto.randomBytes(12).toString("hex");
  const server = new pg.Client({ connectionString: serverUrl });
  await server.connect();
  try {
    await server.query(
      `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' ${opts.locale ?? "LC_COLLATE 'C' LC_CTYPE 'C'"}`,
    );
    await server.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  } finally {
    await server.end();
  }
  const adminUrl = withDatabase(serverUrl, name);
  const admin = new pg.Pool({ connectionString: adminUrl, max: 4 });
  admin.on("error", () => {});
  const drop = async () => {
    await admin.end().catch(() => {});
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS ${role}`);
    } finally {
      await c.end();
    }
  };
  try {
    const { tables, constraints } = synapseSchema();
    const c = await admin.connect();
    try {
      await c.query(tables);
      if (opts.load) await opts.load(c);
      await c.query(constraints);
      await c.query(`GRANT SELECT ON destinations, destination_rooms TO ${role}`);
    } finally {
      c.release();
    }
  } catch (e) {
    await drop();
    throw e;
  }
  return {
    name,
    admin,
    adminUrl,
    readOnlyUrl: withDatabase(serverUrl, name, { name: role, password }),
    role,
    close: drop,
  };
}
