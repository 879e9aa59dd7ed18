// countContaining against a real PostgreSQL: both ways of counting (trigram bitmap, scan with
// a byte match corrected on mixed-case names) give ILIKE's exact count, on names that try the
// folding rules: upper case, non-ASCII letters (ILIKE under COLLATE "C" folds ASCII only),
// LIKE's special characters in the term.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { countContaining, NARROW_COUNT_SQL, WIDE_COUNT_SQL } from "./count-containing";
import { containsPattern } from "./paging";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
  const names = [
    "matrix.org",
    "Matrix.ORG",
    "MATRIX.org:8448",
    "mat_rix.example",
    "matxrix.example",
    "100%.example",
    "back\\slash.example",
    "ÉCOLE.example",
    "école.example",
    "straße.example",
    "STRASSE.example",
    "İstanbul.example",
    "istanbul.example",
    "[::1]:8448",
    "a.b.c",
  ];
  // Many plain lower-case names around them, so a wide term is wide.
  await db.pool.query(
    `INSERT INTO destinations (destination) SELECT unnest($1::text[]) UNION ALL
     SELECT 'h' || i || CASE WHEN i % 3 = 0 THEN '.example.net' ELSE '.example.org' END FROM generate_series(1, 3000) i`,
    [names],
  );
  await db.pool.query("ANALYZE destinations, destination_names");
});
after(async () => {
  await db.close();
});

const TERMS = [
  "matrix",
  "MATRIX",
  "Matrix.Org",
  "_",
  "%",
  "\\",
  "x",
  "école",
  "ÉCOLE",
  "Ölé",
  "strasse",
  "STRASSE",
  "straße",
  "i",
  "İ",
  "ı",
  ":",
  "example.net",
  "EXAMPLE",
  ".",
  "h1",
];

test('both ways of counting give ILIKE\'s count on destinations (COLLATE "C") for every term', async () => {
  for (const term of TERMS) {
    const pattern = containsPattern(term);
    const want = (
      await db.pool.query("SELECT count(*)::int AS n FROM destinations WHERE destination ILIKE $1", [pattern])
    ).rows[0].n;
    const narrow = (await db.pool.query(NARROW_COUNT_SQL, [pattern])).rows[0].n;
    const wide = (await db.pool.query(WIDE_COUNT_SQL, [pattern, term])).rows[0].n;
    assert.equal(Number(narrow), want, `narrow ${term}`);
    assert.equal(Number(wide), want, `wide ${term}`);
    assert.equal(await countContaining(db.pool, term), BigInt(want), `countContaining ${term}`);
  }
});

test("the mixed-case correction is needed: without it, upper-case names would be missed", async () => {
  const naive = await db.pool.query(
    `SELECT count(*)::int AS n FROM destination_names WHERE strpos(destination, lower($1::text COLLATE "C")) > 0`,
    ["matrix"],
  );
  assert.equal(naive.rows[0].n, 1); // matrix.org only
  assert.equal(await countContaining(db.pool, "matrix"), 3n);
});

test("a wide term is counted by a scan, the mixed-case names through their partial index", async () => {
  const c = await db.pool.connect();
  try {
    const plan = async (sql: string, args: string[]) =>
      (await c.query(`EXPLAIN ${sql}`, args)).rows.map((r) => r["QUERY PLAN"]).join("\n");
    const wideArgs = [containsPattern("example.net"), "example.net"];
    assert.match(await plan(WIDE_COUNT_SQL, wideArgs), /Seq Scan on destination_names\s+\(.*\n\s+Filter: \(strpos/);
    await c.query("SET enable_seqscan = off"); // a tiny table: make the index's use visible
    assert.match(await plan(WIDE_COUNT_SQL, wideArgs), /destination_names_mixed_case/);
  } finally {
    await c.query("RESET enable_seqscan");
    c.release();
  }
});
