// destination_names (the search's table) against destinations: the same names after every kind
// of write, in the writing transaction, and the search's plan on it.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { fillDestinations } from "../testing/fill-destinations";
import { COUNT_NAME_MATCHES, NAME_MATCHES } from "./name-search";
import { containsPattern } from "./paging";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE destinations CASCADE");
});

async function same(): Promise<void> {
  const r = await db.pool.query<{ only_d: string[] | null; only_n: string[] | null }>(`
    SELECT (SELECT array_agg(destination) FROM (SELECT destination FROM destinations EXCEPT SELECT destination FROM destination_names) x) AS only_d,
           (SELECT array_agg(destination) FROM (SELECT destination FROM destination_names EXCEPT SELECT destination FROM destinations) y) AS only_n`);
  assert.deepEqual(r.rows[0], { only_d: null, only_n: null });
}

test("inserts, upserts, COPY-sized inserts, deletes, a rename and TRUNCATE keep the names exact", async () => {
  await fillDestinations(db.pool, 500);
  await same();
  // An upsert of existing and new names: only the new ones are added, once.
  await db.pool.query(
    `INSERT INTO destinations (destination, retry_last_ts, retry_interval) SELECT d, 5, 60000 FROM unnest($1::text[]) d
     ON CONFLICT (destination) DO UPDATE SET retry_last_ts = EXCLUDED.retry_last_ts`,
    [
      [
        "new-1.example.org",
        "new-2.example.org",
        (await db.pool.query("SELECT min(destination) AS d FROM destinations")).rows[0].d,
      ],
    ],
  );
  await same();
  await db.pool.query("UPDATE destinations SET retry_interval = retry_interval + 1"); // no name changes
  await db.pool.query("DELETE FROM destinations WHERE destination LIKE '%5%'");
  await same();
  await db.pool.query(
    "UPDATE destinations SET destination = 'renamed.example.org' WHERE destination = 'new-1.example.org'",
  );
  await same();
  const n = await db.pool.query(
    "SELECT count(*)::int AS n FROM destination_names WHERE destination = 'renamed.example.org'",
  );
  assert.equal(n.rows[0].n, 1);
  // A rolled-back insert leaves no name behind.
  const c = await db.pool.connect();
  try {
    await c.query("BEGIN");
    await c.query(
      "INSERT INTO destinations (destination, retry_last_ts, retry_interval) VALUES ('gone.example.org', 0, 0)",
    );
    assert.equal((await c.query(COUNT_NAME_MATCHES("$1"), [containsPattern("gone.example")])).rows[0].n, "1");
    await c.query("ROLLBACK");
  } finally {
    c.release();
  }
  await same();
  await db.pool.query("TRUNCATE destinations CASCADE");
  assert.equal((await db.pool.query("SELECT count(*)::int AS n FROM destination_names")).rows[0].n, 0);
});

test("the search counts and selects exactly what Synapse's LOWER(destination) LIKE does", async () => {
  await fillDestinations(db.pool, 2000);
  await db.pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval) VALUES ('MiXeD.Example.ORG', 0, 0)",
  );
  for (const term of ["example", "1", "mixed.exa", "%", "_", "no-such-name"]) {
    const pattern = containsPattern(term.toLowerCase());
    const ours = await db.pool.query(
      `SELECT destination FROM destinations WHERE ${NAME_MATCHES("$1")} ORDER BY destination COLLATE "C"`,
      [pattern],
    );
    const synapse = await db.pool.query(
      `SELECT destination FROM destinations WHERE LOWER(destination) LIKE $1 ORDER BY destination COLLATE "C"`,
      [pattern],
    );
    assert.deepEqual(ours.rows, synapse.rows, term);
    const count = await db.pool.query(COUNT_NAME_MATCHES("$1"), [pattern]);
    assert.equal(Number(count.rows[0].n), synapse.rowCount, term);
  }
});

test("updates of destinations never touch the search's index; it is not on destinations at all", async () => {
  const ix = await db.pool.query<{ tablename: string; indexname: string }>(
    "SELECT tablename, indexname FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%' ORDER BY 1",
  );
  assert.deepEqual(ix.rows, [{ tablename: "destination_names", indexname: "destination_names_trgm" }]);
  await fillDestinations(db.pool, 100);
  const before = await db.pool.query("SELECT pg_relation_size('destination_names_trgm') AS s");
  for (let i = 0; i < 20; i++) await db.pool.query("UPDATE destinations SET last_attempt_ts = $1", [i]);
  const after = await db.pool.query("SELECT pg_relation_size('destination_names_trgm') AS s");
  assert.equal(after.rows[0].s, before.rows[0].s);
});
