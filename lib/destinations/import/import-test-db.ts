// The database of the import/export tests: TEST_DATABASE_URL if set, else a fresh database
// fc_unit_<random> created on the local server (postgresql://postgres@127.0.0.1:5432) and
// dropped afterwards. Skipped only when neither is reachable.
// Every destination name carries a per-run prefix, so a shared TEST_DATABASE_URL is not
// disturbed: the tests only look at (and finally delete) their own rows.
import { after } from "node:test";
import crypto from "node:crypto";
import { PassThrough, Readable } from "node:stream";
import pg from "pg";
import { getDb, closeDb } from "@/lib/db";
import { exportDestinations } from "../export-destinations";
import { importDestinations } from "./import-destinations";

const LOCAL_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

let ownDb: string | undefined;
let skipReason: string | false = false;
if (process.env.TEST_DATABASE_URL) {
  process.env.DATABASE_URL = process.env.TEST_DATABASE_URL;
  if (!(await reachable(process.env.TEST_DATABASE_URL))) skipReason = "TEST_DATABASE_URL is not reachable";
} else if (await reachable(LOCAL_ADMIN_URL)) {
  ownDb = `fc_unit_${crypto.randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: LOCAL_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${ownDb}`);
  await admin.end();
  process.env.DATABASE_URL = `postgresql://postgres@127.0.0.1:5432/${ownDb}`;
} else {
  skipReason = "no database: set TEST_DATABASE_URL or run PostgreSQL on 127.0.0.1:5432";
}

/** Why the database tests are skipped (no database reachable), or false. */
export const skip: string | false = skipReason;
/** The database this run created for itself (not a shared TEST_DATABASE_URL), if any. */
export const createdDb: string | undefined = ownDb;

/** This run's destination prefix. */
export const P = `t${crypto.randomBytes(4).toString("hex")}-`;

after(async () => {
  if (skip) return;
  if (!createdDb) {
    const { pool } = await getDb();
    await pool.query(`DELETE FROM destinations WHERE starts_with(destination, $1)`, [P]);
  }
  await closeDb();
  if (createdDb) {
    const admin = new pg.Client({ connectionString: LOCAL_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${createdDb} WITH (FORCE)`);
    await admin.end();
  }
});

export async function pool(): Promise<pg.Pool> {
  return (await getDb({ log: () => {} })).pool;
}

export async function importText(text: string, batchSize?: number) {
  return importDestinations(Readable.from([Buffer.from(text)]), { pool: await pool(), batchSize });
}

/** Exported lines of this run's destinations (a shared database may hold others). */
export async function exportMine(withRooms?: boolean): Promise<string[]> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  await exportDestinations(out, { pool: await pool(), withRooms, pageSize: 3 });
  out.end();
  return Buffer.concat(chunks)
    .toString("utf8")
    .split("\n")
    .filter((l) => l.startsWith(`{"destination":"${P}`));
}

export async function roomsOf(dest: string): Promise<[string, string][]> {
  const r = await (await pool()).query<{ room_id: string; stream_ordering: string }>(
    `SELECT room_id, stream_ordering::text FROM destination_rooms WHERE destination = $1 ORDER BY room_id`,
    [dest],
  );
  return r.rows.map((x) => [x.room_id, x.stream_ordering]);
}

export async function timingsOf(dest: string) {
  const r = await (await pool()).query(
    `SELECT retry_last_ts::text, retry_interval::text, failure_ts::text, last_successful_stream_ordering::text
     FROM destinations WHERE destination = $1`,
    [dest],
  );
  return r.rows[0];
}
