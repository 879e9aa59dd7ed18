// destination_blocks (the name blocks of the list's deep pages by name) against a real
// PostgreSQL: after inserts, deletes, concurrent writers, truncates and a bulk load, every
// block's count is the number of names in its range, and the pages equal a plain OFFSET.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { blockPage } from "./name-blocks";
import { listDestinations } from "./list-destinations";
import { CLI_PRINCIPAL } from "../auth/principal";

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

type Block = { bound: string; n: number; actual: number };

/** Each block with its kept count and the names actually in its range. */
async function blocks(): Promise<Block[]> {
  const r = await db.pool.query<{ bound: string; n: string; actual: string }>(`
    SELECT b.bound, b.n, (SELECT count(*) FROM destinations d WHERE d.destination >= b.bound
                           AND (b.next IS NULL OR d.destination < b.next)) AS actual
    FROM (SELECT bound, n, lead(bound) OVER (ORDER BY bound) AS next FROM destination_blocks) b ORDER BY b.bound`);
  return r.rows.map((x) => ({ bound: x.bound, n: Number(x.n), actual: Number(x.actual) }));
}

async function assertExact(label: string): Promise<Block[]> {
  const bs = await blocks();
  assert.equal(bs[0]?.bound, "", `${label}: the first block starts before every name`);
  for (const b of bs) assert.equal(b.n, b.actual, `${label}: block ${JSON.stringify(b.bound)}`);
  return bs;
}

async function samePages(label: string) {
  const total = Number((await db.pool.query("SELECT count(*) AS n FROM destinations")).rows[0].n);
  for (const dir of ["f", "b"] as const) {
    for (const from of [0, 1, 4095, 4096, 8191, Math.floor(total / 2), total - 100, total - 1, total, total + 5]) {
      if (from < 0) continue;
      for (const limit of [0, 1, 100]) {
        const got = await blockPage(db.pool, BigInt(from), BigInt(limit), dir);
        assert.ok(got, `${label}: the blocks vouch for the page`);
        const want = await db.pool.query(
          `SELECT destination FROM destinations ORDER BY destination ${dir === "b" ? "DESC" : "ASC"} OFFSET $1 LIMIT $2`,
          [from, limit],
        );
        assert.equal(got.total, BigInt(total));
        assert.deepEqual(
          got.rows.map((r) => r.destination),
          want.rows.map((r) => r.destination),
          `${label}: ${dir} from=${from} limit=${limit}`,
        );
      }
    }
  }
}

const insert = (sql: string, args: unknown[] = []) => db.pool.query(sql, args);

test("inserts split blocks where they stand; deletes merge them; every count stays exact", async () => {
  // 30,000 names in statements of different sizes and places: the first block splits, then
  // blocks in the middle grow past 8,192 and split again.
  await insert(
    "INSERT INTO destinations (destination) SELECT 'm' || lpad(g::text, 6, '0') || '.example' FROM generate_series(1, 10000) g",
  );
  let bs = await assertExact("one statement of 10,000");
  assert.ok(bs.length >= 3, `split into parts: ${bs.length} blocks`);
  for (let i = 0; i < 20; i++)
    await insert(
      "INSERT INTO destinations (destination) SELECT 'm' || lpad((g * 20 + $1)::text, 6, '0') || '-x.example' FROM generate_series(1, 1000) g",
      [i],
    );
  bs = await assertExact("20 statements into the middle");
  assert.ok(
    bs.every((b) => b.n <= 8192),
    "no block above 8,192",
  );
  await samePages("after inserts");
  // Remove most names of the middle: blocks there shrink below 1,024 and are merged.
  await db.pool.query("DELETE FROM destinations WHERE destination LIKE 'm00%' AND destination NOT LIKE '%7-x.example'");
  bs = await assertExact("after a large delete");
  assert.ok(
    bs.every((b) => b.bound === "" || b.n >= 1024),
    "small blocks merged into the one before",
  );
  await samePages("after deletes");
  await db.pool.query("DELETE FROM destinations");
  bs = await assertExact("after deleting everything");
  assert.deepEqual(bs, [{ bound: "", n: 0, actual: 0 }]);
  assert.deepEqual(await blockPage(db.pool, 0n, 10n, "f"), { total: 0n, rows: [] });
});

test("a rolled-back insert and a truncate leave the blocks exact", async () => {
  await insert("INSERT INTO destinations (destination) SELECT 'r' || g || '.example' FROM generate_series(1, 9000) g");
  const c = await db.pool.connect();
  try {
    await c.query("BEGIN");
    await c.query(
      "INSERT INTO destinations (destination) SELECT 'r' || g || '.late.example' FROM generate_series(1, 9000) g",
    );
    await c.query("ROLLBACK");
  } finally {
    c.release();
  }
  await assertExact("after a rollback");
  await db.pool.query("TRUNCATE destinations CASCADE");
  assert.deepEqual(await assertExact("after a truncate"), [{ bound: "", n: 0, actual: 0 }]);
});

test("concurrent writers (inserting and deleting in their own transactions) keep every block exact", async () => {
  await insert(
    "INSERT INTO destinations (destination) SELECT 'c' || lpad(g::text, 6, '0') || '.example' FROM generate_series(1, 20000) g",
  );
  await Promise.all(
    Array.from({ length: 6 }, (_, w) =>
      (async () => {
        for (let i = 0; i < 15; i++) {
          const c = await db.pool.connect();
          try {
            await c.query("BEGIN");
            await c.query(
              "INSERT INTO destinations (destination) SELECT 'c' || lpad((g * 37 % 20000)::text, 6, '0') || '-' || $1 || '-' || $2 FROM generate_series(1, 400) g",
              [w, i],
            );
            await c.query("DELETE FROM destinations WHERE destination LIKE $1", [`c0${w}${i % 10}%.example`]);
            await c.query("COMMIT");
          } finally {
            c.release();
          }
        }
      })(),
    ),
  );
  await assertExact("after concurrent writers");
  await samePages("after concurrent writers");
});

test("the list's deep pages by name come from the blocks, and a drifted block set is not trusted", async () => {
  await insert("INSERT INTO destinations (destination) SELECT 'p' || g || '.example' FROM generate_series(1, 12000) g");
  assert.ok(await blockPage(db.pool, 10_000n, 10n, "f"));
  await db.pool.query("UPDATE destination_blocks SET n = n + 1 WHERE bound = ''");
  assert.equal(await blockPage(db.pool, 10_000n, 10n, "f"), null, "counts that do not add up: walk instead");
  const walked = await listDestinations(db.pool, CLI_PRINCIPAL, {
    orderBy: "destination",
    dir: "f",
    from: 10_000n,
    limit: 3n,
  });
  const want = await db.pool.query("SELECT destination FROM destinations ORDER BY destination OFFSET 10000 LIMIT 3");
  assert.deepEqual(
    walked.items.map((d) => d.destination),
    want.rows.map((r) => r.destination),
  );
  await db.pool.query("SELECT destination_blocks_rebuild()");
  await assertExact("rebuilt");
});
