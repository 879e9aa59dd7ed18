// applyMigrations against a real PostgreSQL: a migration that rewrites a table leaves it
// vacuumed (visibility map set, so index-only scans need no heap fetches) and analyzed.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestDatabase } from "../testing/test-database";
import { applyMigrations } from "./migrate";

const db = await createTestDatabase();
after(() => db.close());

function migrations(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-migrate-"));
  for (const [name, sql] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

const allVisible = async (table: string) =>
  (await db.pool.query<{ n: number }>("SELECT relallvisible AS n FROM pg_class WHERE relname = $1", [table])).rows[0].n;

test("a table rewritten by a migration is vacuumed and analyzed afterwards; untouched tables are not", async () => {
  await db.pool.query(`CREATE TABLE mig_t (id int PRIMARY KEY, a int); CREATE TABLE mig_u (id int PRIMARY KEY);
    INSERT INTO mig_t SELECT i, i FROM generate_series(1, 20000) i; INSERT INTO mig_u VALUES (1)`);
  await db.pool.query("VACUUM mig_t");
  assert.ok((await allVisible("mig_t")) > 0);
  const dir = migrations({
    "30000101000000_rewrite": "ALTER TABLE mig_t ADD COLUMN b int GENERATED ALWAYS AS (a * 2) STORED;",
    "30000101000001_new_table": "CREATE TABLE mig_v (id int); INSERT INTO mig_v VALUES (1);",
  });
  try {
    const r = await applyMigrations(db.pool, dir);
    assert.deepEqual(r.applied, ["30000101000000_rewrite", "30000101000001_new_table"]);
    assert.deepEqual(r.vacuumed, ["public.mig_t"]);
    assert.ok((await allVisible("mig_t")) > 0, "the rewritten table's visibility map is set again");
    const stats = await db.pool.query(
      "SELECT last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname = 'mig_t'",
    );
    assert.deepEqual(stats.rows[0], { vacuumed: true, analyzed: true });
    const plan = await db.pool.query(
      "EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM mig_t ORDER BY id OFFSET 10000 LIMIT 10",
    );
    const walk = JSON.stringify(plan.rows[0]["QUERY PLAN"]);
    assert.match(walk, /"Heap Fetches":0\b/);
    // Nothing pending: nothing applied, nothing vacuumed.
    assert.deepEqual((await applyMigrations(db.pool, dir)).vacuumed, []);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});
