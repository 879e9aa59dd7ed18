// The change a reset makes (single and bulk): timings cleared, wake_requested_at set, and the
// scheduler's NOTIFY — sent at COMMIT only, with the destination's name or "*".
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { withTransaction } from "../db/transaction";
import { WAKE_CHANNEL } from "../federation/wake";
import type { Principal } from "../auth/principal";
import { clearBackoffAndWake } from "./clear-backoff";
import { resetConnection } from "./reset-connection";
import { bulkResetConnections } from "./bulk-reset";

let db: TestDatabase;
let listener: pg.Client;
let heard: string[] = [];
before(async () => {
  db = await createTestDatabase();
  listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  listener.on("notification", (n) => {
    if (n.channel === WAKE_CHANNEL) heard.push(n.payload ?? "");
  });
  await listener.query(`LISTEN ${WAKE_CHANNEL}`);
});
after(async () => {
  await listener.end();
  await db.close();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE destinations, audit_events CASCADE");
  await db.pool.query(
    `INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts) VALUES
       ('a.fail', 100, 600000, 50), ('b.fail', 200, 1200000, 60), ('c.ok', 0, 0, NULL)`,
  );
  heard = [];
});

const NOW = 1_800_000_000_000n;
const operator: Principal = { userId: null, email: "op@x.test", role: "operator", via: "api" };

const state = async () =>
  (
    await db.pool.query(
      `SELECT destination, retry_last_ts::text, retry_interval::text, failure_ts::text, wake_requested_at::text
       FROM destinations ORDER BY destination`,
    )
  ).rows;

/** Notifications arrive shortly after COMMIT on the listener's own connection. */
async function settle(): Promise<string[]> {
  await listener.query("SELECT 1"); // a round trip after the commit: pending notifications are read first
  await new Promise((r) => setTimeout(r, 50));
  return heard;
}

const cleared = (destination: string) => ({
  destination,
  retry_last_ts: "0",
  retry_interval: "0",
  failure_ts: null,
  wake_requested_at: String(NOW),
});

test("one destination: cleared, wake requested, its name notified at commit", async () => {
  const n = await withTransaction(db.pool, async (tx) => {
    const n = await clearBackoffAndWake(tx, { destination: "a.fail" }, NOW);
    assert.deepEqual(await settle(), [], "nothing is delivered before COMMIT");
    return n;
  });
  assert.equal(n, 1n);
  assert.deepEqual(await state(), [
    cleared("a.fail"),
    {
      destination: "b.fail",
      retry_last_ts: "200",
      retry_interval: "1200000",
      failure_ts: "60",
      wake_requested_at: null,
    },
    { destination: "c.ok", retry_last_ts: "0", retry_interval: "0", failure_ts: null, wake_requested_at: null },
  ]);
  assert.deepEqual(await settle(), ["a.fail"]);
});

test('a WHERE clause: every matching destination, one "*" notification', async () => {
  const n = await withTransaction(db.pool, (tx) =>
    clearBackoffAndWake(tx, { where: "WHERE destination LIKE $1 AND retry_last_ts > 0", args: ["%.fail"] }, NOW),
  );
  assert.equal(n, 2n);
  assert.deepEqual((await state()).slice(0, 2), [cleared("a.fail"), cleared("b.fail")]);
  assert.deepEqual(await settle(), ["*"]);
});

test("nothing matched: no notification", async () => {
  const n = await withTransaction(db.pool, (tx) =>
    clearBackoffAndWake(tx, { where: "WHERE destination = $1", args: ["nobody.example"] }, NOW),
  );
  assert.equal(n, 0n);
  assert.deepEqual(await settle(), []);
});

test("rolled back: nothing changed and nothing notified", async () => {
  const before = await state();
  await assert.rejects(
    withTransaction(db.pool, async (tx) => {
      await clearBackoffAndWake(tx, { destination: "a.fail" }, NOW);
      throw new Error("boom");
    }),
    /boom/,
  );
  assert.deepEqual(await state(), before);
  assert.deepEqual(await settle(), []);
});

test("resetConnection and bulkResetConnections use it: the same rows, payloads and audit details", async () => {
  const t0 = Date.now();
  await resetConnection(db.pool, operator, "a.fail");
  assert.deepEqual(await settle(), ["a.fail"]);
  const r = await bulkResetConnections(db.pool, operator, { search: "fail", status: null }, NOW);
  assert.equal(r.count, 1n); // a.fail no longer backs off
  assert.deepEqual(await settle(), ["a.fail", "*"]);
  const nothing = await bulkResetConnections(db.pool, operator, { search: "fail", status: null }, NOW);
  assert.equal(nothing.count, 0n);
  assert.deepEqual(await settle(), ["a.fail", "*"], "a bulk reset of nothing wakes nobody");
  const audit = (await db.pool.query("SELECT actor, via, action, destination, detail FROM audit_events ORDER BY id"))
    .rows;
  assert.deepEqual(audit, [
    {
      actor: "op@x.test",
      via: "api",
      action: "destination.reset",
      destination: "a.fail",
      detail: { retry_last_ts: "100", retry_interval: "600000", failure_ts: "50" },
    },
    {
      actor: "op@x.test",
      via: "api",
      action: "destination.bulk_reset",
      destination: null,
      detail: { count: 1, search: "fail", status: null },
    },
    {
      actor: "op@x.test",
      via: "api",
      action: "destination.bulk_reset",
      destination: null,
      detail: { count: 0, search: "fail", status: null },
    },
  ]);
  const [a, b] = await state();
  const { wake_requested_at: wokenAt, ...aTimings } = a;
  assert.deepEqual(aTimings, { destination: "a.fail", retry_last_ts: "0", retry_interval: "0", failure_ts: null });
  assert.ok(Number(wokenAt) >= t0 && Number(wokenAt) <= Date.now(), "a single reset requests the attempt now");
  assert.deepEqual(b, cleared("b.fail"));
});
