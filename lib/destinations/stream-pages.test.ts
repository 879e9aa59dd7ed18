// The streamed pages (answers to a large `limit`) against a real PostgreSQL: every order,
// direction, depth and filter gives exactly listDestinations' / listDestinationRooms' page,
// read in batches; a read holds one connection, gives it back when closed, and sees one
// snapshot (writes after it opened are not in it).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { fillDestinations } from "../testing/fill-destinations";
import { CLI_PRINCIPAL } from "../auth/principal";
import { listDestinations, type ListDestinationsQuery } from "./list-destinations";
import { listDestinationRooms } from "./list-destination-rooms";
import { STREAM_BATCH_ROWS, streamDestinations } from "./stream-destinations";
import { streamDestinationRooms } from "./stream-destination-rooms";
import { SORT_COLUMNS, type PageStream } from "./types";

let db: TestDatabase;
const N = 2_500; // more than two batches
before(async () => {
  db = await createTestDatabase();
  await fillDestinations(db.pool, N);
  await db.pool.query(
    `INSERT INTO destination_rooms (destination, room_id, stream_ordering)
     SELECT (SELECT min(destination) FROM destinations), '!r' || lpad(i::text, 5, '0') || ':x', 9007199254740993 + i
     FROM generate_series(1, $1) i`,
    [N],
  );
});
after(async () => {
  await db.close();
});

async function drain<T>(s: PageStream<T>): Promise<{ items: T[]; batches: number }> {
  const items: T[] = [];
  let batches = 0;
  try {
    for (let b = await s.next(); b !== null; b = await s.next()) {
      assert.ok(b.length <= STREAM_BATCH_ROWS);
      items.push(...b);
      batches++;
    }
  } finally {
    await s.close();
  }
  return { items, batches };
}

const HUGE = 9223372036854775807n;

test("every order, direction, depth and filter: the streamed page is listDestinations' page", async () => {
  const cases: ListDestinationsQuery[] = [];
  for (const orderBy of SORT_COLUMNS) {
    for (const dir of ["f", "b"] as const) {
      for (const [from, limit] of [
        [0n, HUGE],
        [1_234n, HUGE],
        [N - 3, HUGE],
        [7n, 1_500n],
        [BigInt(N), HUGE],
      ] as [bigint | number, bigint][]) {
        cases.push({ orderBy, dir, from: BigInt(from), limit });
      }
    }
  }
  cases.push({ orderBy: "retry_interval", dir: "b", from: 3n, limit: HUGE, search: "EXAMPLE.ORG" });
  cases.push({ orderBy: "destination", dir: "f", from: 0n, limit: HUGE, search: "h00%" });
  cases.push({ orderBy: "destination", dir: "f", from: 0n, limit: 0n });
  for (const q of cases) {
    const label = JSON.stringify(q, (_, v) => (typeof v === "bigint" ? v.toString() : v));
    const want = await listDestinations(db.pool, CLI_PRINCIPAL, q);
    const s = await streamDestinations(db.pool, CLI_PRINCIPAL, q);
    assert.equal(s.total, want.total, label);
    assert.deepEqual((await drain(s)).items, want.items, label);
  }
});

test("rooms: both directions and depths give listDestinationRooms' page", async () => {
  const dest = (await db.pool.query("SELECT min(destination) AS d FROM destinations")).rows[0].d as string;
  for (const dir of ["f", "b"] as const) {
    for (const from of [0n, 999n, BigInt(N) - 1n, BigInt(N) + 5n]) {
      const q = { from, limit: HUGE, dir };
      const want = await listDestinationRooms(db.pool, CLI_PRINCIPAL, dest, q);
      const s = await streamDestinationRooms(db.pool, CLI_PRINCIPAL, dest, q);
      assert.equal(s.total, want.total);
      assert.deepEqual((await drain(s)).items, want.items, `${dir} ${from}`);
    }
  }
});

test("one snapshot: rows written after the read opened are not in it; the connection is given back", async () => {
  const idleBefore = db.pool.idleCount + db.pool.waitingCount;
  const s = await streamDestinations(db.pool, CLI_PRINCIPAL, {
    orderBy: "destination",
    dir: "f",
    from: 0n,
    limit: HUGE,
  });
  await db.pool.query("INSERT INTO destinations (destination) VALUES ('000-first-after-open.example')");
  try {
    const { items, batches } = await drain(s);
    assert.equal(items.length, N);
    assert.equal(s.total, BigInt(N));
    assert.equal(batches, Math.ceil(N / STREAM_BATCH_ROWS));
    assert.ok(!items.some((d) => d.destination.startsWith("000-")));
  } finally {
    await db.pool.query("DELETE FROM destinations WHERE destination = '000-first-after-open.example'");
  }
  assert.ok(db.pool.idleCount + db.pool.waitingCount >= idleBefore);
  assert.equal(db.pool.totalCount - db.pool.idleCount, 0, "no connection still checked out");
});

test("a read abandoned half-way (closed with an error) rolls back and gives the connection back", async () => {
  const s = await streamDestinations(db.pool, CLI_PRINCIPAL, {
    orderBy: "destination",
    dir: "f",
    from: 0n,
    limit: HUGE,
  });
  assert.equal((await s.next())?.length, STREAM_BATCH_ROWS);
  await s.close(new Error("client went away"));
  assert.equal(db.pool.totalCount - db.pool.idleCount, 0);
});

test("a viewer may read a streamed page", async () => {
  const viewer = { userId: "u", email: "v@x", role: "viewer" as const, via: "api" as const };
  const s = await streamDestinations(db.pool, viewer, { orderBy: "destination", dir: "f", from: 0n, limit: 0n });
  await s.close();
  assert.equal(s.total, BigInt(N));
});
