// The counters the console migration's triggers keep, against a real PostgreSQL
// (console-test-db.ts): each destination's rooms_count, and the table's exact total.
import { test } from "node:test";
import assert from "node:assert/strict";
import { db, insert, NOW, q, viewer } from "./console-test-db";
import { listConsoleDestinations } from "./list-console-destinations";

test("rooms_count follows inserts, deletes and cascades", async () => {
  await insert([{ destination: "r.example", rooms: 3 }, { destination: "s.example" }]);
  const count = async (d: string) =>
    (await db.pool.query("SELECT rooms_count FROM destinations WHERE destination = $1", [d])).rows[0].rooms_count;
  assert.equal(await count("r.example"), 3);
  await db.pool.query(
    "INSERT INTO destination_rooms VALUES ('s.example', '!a:x', 1), ('s.example', '!b:x', 2), ('r.example', '!z:x', 3)",
  );
  assert.equal(await count("s.example"), 2);
  assert.equal(await count("r.example"), 4);
  await db.pool.query("UPDATE destination_rooms SET stream_ordering = stream_ordering + 1");
  assert.equal(await count("r.example"), 4);
  await db.pool.query("DELETE FROM destination_rooms WHERE destination = 'r.example' AND room_id <> '!z:x'");
  assert.equal(await count("r.example"), 1);
  await db.pool.query("UPDATE destination_rooms SET destination = 's.example' WHERE destination = 'r.example'");
  assert.equal(await count("r.example"), 0);
  assert.equal(await count("s.example"), 3);
});

test("the unfiltered total is kept exact by triggers: inserts, upserts, deletes, truncate", async () => {
  const total = async () => (await listConsoleDestinations(db.pool, viewer, q({}), NOW)).total;
  const real = async () => BigInt((await db.pool.query("SELECT count(*) AS n FROM destinations")).rows[0].n);
  assert.equal(await total(), 0n);
  await insert([{ destination: "a" }, { destination: "b" }]);
  await db.pool.query("INSERT INTO destinations (destination) SELECT 'g' || i FROM generate_series(1, 50) i");
  assert.equal(await total(), 52n);
  await db.pool.query(
    "INSERT INTO destinations (destination) VALUES ('a'), ('new') ON CONFLICT (destination) DO UPDATE SET retry_interval = 1",
  );
  assert.equal(await total(), 53n);
  await db.pool.query("DELETE FROM destinations WHERE destination LIKE 'g1%'");
  assert.equal(await total(), await real());
  await db.pool.query("BEGIN; INSERT INTO destinations (destination) VALUES ('rolled-back'); ROLLBACK");
  assert.equal(await total(), await real());
  await db.pool.query("TRUNCATE destinations CASCADE");
  assert.equal(await total(), 0n);
});
