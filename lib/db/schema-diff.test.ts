// prisma/schema.prisma and prisma/migrations describe the same database: the schema engine's
// diff from the migrations to the schema is empty. A column, index or foreign key added by a
// migration and not declared (or the other way round) fails here, with the SQL that differs.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createTestDatabase } from "../testing/test-database";
import { schemaDiff } from "./schema-diff";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const db = await createTestDatabase();
after(() => db.close());

const shadowsLeft = async () => {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const r = await c.query("SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE $1", [
    `fc\\_shadow\\_${process.pid}\\_%`,
  ]);
  await c.end();
  return r.rows[0].n as number;
};

test("schema.prisma declares exactly what the migrations build", async () => {
  assert.equal(await schemaDiff({ serverUrl: db.url, root: ROOT }), "", "npm run db:diff shows the difference");
  assert.equal(await shadowsLeft(), 0, "the shadow database is dropped");
});

test("a column the schema does not declare is drift (the check can fail)", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "fc-drift-"));
  fs.cpSync(path.join(ROOT, "prisma"), path.join(root, "prisma"), { recursive: true });
  const file = path.join(root, "prisma", "schema.prisma");
  const schema = fs.readFileSync(file, "utf8");
  const without = schema.replace(/^\s*wakeTrigger\s.*$/m, "");
  assert.notEqual(without, schema);
  fs.writeFileSync(file, without);
  try {
    assert.match(await schemaDiff({ serverUrl: db.url, root }), /DROP COLUMN "wake_trigger"/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
