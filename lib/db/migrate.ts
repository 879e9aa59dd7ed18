// Applies prisma/migrations/<name>/migration.sql in name order, each in its own transaction,
// recorded in Prisma's ordinary _prisma_migrations table (checksum = SHA-256 of the file) so
// `prisma migrate deploy` on a connected machine accepts the same history. A session-level
// advisory lock makes concurrent starts wait for each other instead of racing; it is held on
// one connection across all the migrations' transactions, hence inTransaction on that connection.
// A migration that rewrites a table (ALTER TABLE … ADD COLUMN … STORED, a type change) leaves it
// with an empty visibility map and no statistics, and no autovacuum threshold fires for a
// rewrite: every index-only scan (the deep list pages) would read the table until some later
// vacuum. So each table rewritten by this run is vacuumed and analyzed afterwards (VACUUM
// cannot run in a transaction); `prisma migrate deploy` users run VACUUM ANALYZE themselves.
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import type pg from "pg";
import { inTransaction, releaseConnection } from "./transaction";

const LOCK_KEY = 724_311_977; // arbitrary, constant for this application

export type MigrationResult = {
  applied: string[];
  alreadyApplied: number;
  /** Tables the applied migrations rewrote, vacuumed and analyzed afterwards. */
  vacuumed: string[];
};

/** Every ordinary table's storage file, by oid: a rewrite gives a table a new relfilenode. */
async function tableFiles(client: pg.PoolClient): Promise<Map<string, { name: string; file: string }>> {
  const r = await client.query<{ oid: string; name: string; file: string }>(
    `SELECT c.oid::text AS oid, format('%I.%I', n.nspname, c.relname) AS name, c.relfilenode::text AS file
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`,
  );
  return new Map(r.rows.map((x) => [x.oid, { name: x.name, file: x.file }]));
}

export function migrationsDir(): string {
  return path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "migrations");
}

export async function applyMigrations(pool: pg.Pool, dir = migrationsDir()): Promise<MigrationResult> {
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const done = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const doneByName = new Map(done.rows.map((r) => [r.migration_name, r.checksum]));
    const applied: string[] = [];
    let before: Awaited<ReturnType<typeof tableFiles>> | undefined;
    for (const name of names) {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      const checksum = crypto.createHash("sha256").update(sql).digest("hex");
      const previous = doneByName.get(name);
      if (previous !== undefined) {
        if (previous !== checksum) {
          throw new Error(
            `Migration ${name} was changed after it was applied (checksum differs); restore the original file.`,
          );
        }
        continue;
      }
      before ??= await tableFiles(client);
      await inTransaction(client, async (tx) => {
        await tx.query(sql);
        await tx.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
          [crypto.randomUUID(), checksum, name],
        );
      }).catch((e: Error) => {
        throw new Error(`Migration ${name} failed: ${e.message}`);
      });
      applied.push(name);
    }
    const vacuumed: string[] = [];
    if (before) {
      for (const [oid, t] of await tableFiles(client)) {
        const old = before.get(oid);
        if (old === undefined || old.file === t.file) continue; // new (empty) or untouched
        await client.query(`VACUUM (ANALYZE) ${t.name}`);
        vacuumed.push(t.name);
      }
    }
    return { applied, alreadyApplied: names.length - applied.length, vacuumed };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => {});
    releaseConnection(client);
  }
}
