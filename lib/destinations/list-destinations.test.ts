// listDestinations against a real PostgreSQL: the maintained exact count (destination_count
// triggers) and pages identical to Synapse's own query (COUNT(*) + ORDER BY ... LIMIT OFFSET)
// for every order, direction and depth — forward walks and the reversed deep-page walks.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { fillDestinations } from "../testing/fill-destinations";
import { CLI_PRINCIPAL } from "../auth/principal";
import { listDestinations, type ListDestinationsQuery } from "./list-destinations";
import { SORT_COLUMNS, type SortColumn } from "./types";
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

const counter = async () => BigInt((await db.pool.query("SELECT n FROM destination_count")).rows[0].n);
const counted = async () => BigInt((await db.pool.query("SELECT count(*) AS n FROM destinations")).rows[0].n);

const fill = (n: number) => fillDestinations(db.pool, n);

/** Synapse's get_destinations_paginate, verbatim in shape. */
async function synapse(q: ListDestinationsQuery) {
  const where = q.search ? "WHERE LOWER(destination) LIKE $1" : "";
  const args = q.search ? [containsPattern(q.search.toLowerCase())] : [];
  const total = BigInt((await db.pool.query(`SELECT COUNT(*) AS n FROM destinations ${where}`, args)).rows[0].n);
  const rows = await db.pool.query(
    `SELECT destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering FROM destinations ${where}
     ORDER BY ${q.orderBy} ${q.dir === "b" ? "DESC" : "ASC"}, destination ASC LIMIT $${args.length + 1} OFFSET $${args.length + 2}`,
    [...args, q.limit.toString(), q.from.toString()],
  );
  return { total, names: rows.rows.map((r) => r.destination as string), first: rows.rows[0] };
}

async function same(q: ListDestinationsQuery) {
  const got = await listDestinations(db.pool, CLI_PRINCIPAL, q);
  const want = await synapse(q);
  const label = JSON.stringify(q, (_, v) => (typeof v === "bigint" ? v.toString() : v));
  assert.equal(got.total, want.total, label);
  assert.deepEqual(
    got.items.map((d) => d.destination),
    want.names,
    label,
  );
  if (want.first) {
    const f = got.items[0];
    assert.deepEqual(
      [
        f.retryLastTs.toString(),
        f.retryInterval.toString(),
        f.failureTs?.toString() ?? null,
        f.lastSuccessfulStreamOrdering?.toString() ?? null,
      ],
      [
        want.first.retry_last_ts,
        want.first.retry_interval,
        want.first.failure_ts,
        want.first.last_successful_stream_ordering,
      ],
      label,
    );
  }
  return got;
}

const q = (
  orderBy: SortColumn,
  dir: "f" | "b",
  from: number,
  limit: number,
  search?: string,
): ListDestinationsQuery => ({ orderBy, dir, from: BigInt(from), limit: BigInt(limit), search });

test("the counter follows inserts, upserts, deletes, truncates and rollbacks exactly", async () => {
  assert.equal(await counter(), 0n);
  await fill(500);
  assert.equal(await counter(), 500n);
  // an upsert that only updates adds nothing; one that inserts adds its new rows only
  const known = (await db.pool.query("SELECT min(destination) AS d FROM destinations")).rows[0].d as string;
  await db.pool.query(
    "INSERT INTO destinations (destination) VALUES ($1) ON CONFLICT (destination) DO UPDATE SET retry_interval = 5",
    [known],
  );
  await db.pool.query(
    "INSERT INTO destinations (destination) VALUES ($1), ('new.example') ON CONFLICT (destination) DO NOTHING",
    [known],
  );
  assert.equal(await counter(), 501n);
  await db.pool.query("DELETE FROM destinations WHERE destination LIKE 'h0000%'");
  assert.equal(await counter(), await counted());
  const c = await db.pool.connect();
  try {
    await c.query("BEGIN");
    await c.query("INSERT INTO destinations (destination) VALUES ('rolled-back.example')");
    await c.query("DELETE FROM destinations WHERE destination LIKE 'h0001%'");
    await c.query("ROLLBACK");
  } finally {
    c.release();
  }
  assert.equal(await counter(), await counted());
  await db.pool.query("TRUNCATE destinations CASCADE");
  assert.equal(await counter(), 0n);
});

test("concurrent inserting transactions keep the count exact", async () => {
  await Promise.all(
    Array.from({ length: 8 }, (_, w) =>
      (async () => {
        for (let i = 0; i < 20; i++)
          await db.pool.query(
            "INSERT INTO destinations (destination) SELECT 'w' || $1 || '-' || $2 || '-' || g FROM generate_series(1, 3) g",
            [w, i],
          );
      })(),
    ),
  );
  assert.equal(await counter(), 480n);
  assert.equal(await counted(), 480n);
});

test("a missing counter row falls back to counting", async () => {
  await fill(30);
  await db.pool.query("DELETE FROM destination_count");
  try {
    const page = await listDestinations(db.pool, CLI_PRINCIPAL, q("destination", "f", 0, 10));
    assert.equal(page.total, 30n);
    assert.equal(page.items.length, 10);
  } finally {
    await db.pool.query("INSERT INTO destination_count (id, n) SELECT true, count(*) FROM destinations");
  }
});

test("every order and direction, every edge of paging (plain and index-only walks), as Synapse's query", async () => {
  await fill(1200);
  for (const orderBy of SORT_COLUMNS) {
    for (const dir of ["f", "b"] as const) {
      for (const [from, limit] of [
        [0, 100],
        [0, 0],
        [5, 7],
        [499, 3],
        [500, 100],
        [1100, 100],
        [1199, 1],
        [1200, 10],
        [5000, 5],
        [0, 5000],
      ]) {
        await same(q(orderBy, dir, from, limit));
      }
    }
  }
  const empty = await listDestinations(db.pool, CLI_PRINCIPAL, q("destination", "f", 1300, 0));
  assert.deepEqual(empty, { items: [], total: 1200n, nextToken: null });
  const zero = await listDestinations(db.pool, CLI_PRINCIPAL, q("failure_ts", "b", 4, 0));
  assert.deepEqual(zero, { items: [], total: 1200n, nextToken: 4n });
  const zeroDeep = await listDestinations(db.pool, CLI_PRINCIPAL, q("failure_ts", "b", 600, 0));
  assert.deepEqual(zeroDeep, { items: [], total: 1200n, nextToken: 600n });
});

test("deep pages (walked from the far end) equal Synapse's query, next_token included", async () => {
  const N = 22_000;
  await fill(N);
  await db.pool.query("VACUUM ANALYZE destinations");
  for (const orderBy of SORT_COLUMNS) {
    for (const dir of ["f", "b"] as const) {
      for (const [from, limit] of [
        [10_500, 100],
        [12_000, 100],
        [N - 100, 100],
        [N - 40, 100],
        [N - 1, 5],
        [N, 5],
        [20_000, 0],
      ]) {
        const got = await same(q(orderBy, dir, from, limit));
        assert.equal(got.nextToken, from + limit < N ? BigInt(from + got.items.length) : null);
      }
    }
  }
  // beyond 64 bits (clamped by the parameter parser) pages past everything
  const huge = await listDestinations(db.pool, CLI_PRINCIPAL, {
    orderBy: "retry_interval",
    dir: "b",
    from: 9223372036854775807n,
    limit: 9223372036854775807n,
  });
  assert.deepEqual(huge, { items: [], total: BigInt(N), nextToken: null });
});

test("filtered: case-insensitive substring, literal % and _, total counts matches", async () => {
  await fill(3000);
  await db.pool.query("INSERT INTO destinations (destination) VALUES ('a%b_c.example'), ('axbyc.example')");
  for (const search of ["EXAMPLE.ORG", "h0012", "%b_", "nothing-here"]) {
    for (const orderBy of SORT_COLUMNS) {
      await same(q(orderBy, "b", 0, 50, search));
      await same(q(orderBy, "f", 900, 50, search));
    }
  }
  const nul = await listDestinations(db.pool, CLI_PRINCIPAL, q("destination", "f", 0, 10, "a\0b"));
  assert.deepEqual(nul, { items: [], total: 0n, nextToken: null });
});
