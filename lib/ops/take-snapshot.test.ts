// History points against a real PostgreSQL: counts equal the list's own filters, one writer at
// a time, attempts counted once, hourly downsampling and retention, the recovered_ts trigger.
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { db, insert } from "../destinations/console-test-db";
import { STATUS_KINDS, statusFilterSql } from "../destinations/destination-status";
import { withTransaction } from "../db/transaction";
import { HOUR_MS, MINUTE_RETENTION_MS } from "./downsample";
import { SNAPSHOT_LOCK_KEY, takeSnapshot } from "./take-snapshot";

const NOW = 1_800_000_000_000;
const MIN = 60_000;
const opts = (nowMs: number) => ({ nowMs, intervalMs: MIN, healthIntervalMs: 0, probeOnly: false });

beforeEach(async () => {
  await db.pool.query("TRUNCATE ops_points");
});

async function seedEveryStatus() {
  const n = BigInt(NOW);
  await insert([
    { destination: "healthy.example", last_attempt_ts: n - 1000n, last_outcome: "success" },
    { destination: "never.example" },
    { destination: "retrying.example", claimed_until: n + 60_000n },
    { destination: "woken.example", wake_requested_at: n - 5n },
    {
      destination: "reachable.example",
      retry_last_ts: n - 10_000n,
      retry_interval: 600_000n,
      failure_ts: n - 20_000n,
      last_attempt_ts: n - 1000n,
      last_outcome: "success",
    },
    {
      destination: "down.example",
      retry_last_ts: n - 700_000n,
      retry_interval: 600_000n,
      failure_ts: n - 800_000n,
      last_attempt_ts: n - 700_000n,
      last_outcome: "failure",
      last_error_kind: "CONNECT_REFUSED",
    },
    {
      destination: "tls.example",
      retry_last_ts: n - 1000n,
      retry_interval: 600_000n,
      failure_ts: n - 1000n,
      last_outcome: "failure",
      last_error_kind: "CERT_EXPIRED",
    },
    {
      destination: "blocked.example",
      retry_last_ts: n - 1000n,
      retry_interval: 600_000n,
      failure_ts: n - 1000n,
      last_outcome: "failure",
      last_error_kind: "IP_BLOCKED",
    },
  ]);
}

const latest = async () =>
  (await db.pool.query("SELECT * FROM ops_points WHERE resolution = 'minute' ORDER BY ts DESC LIMIT 1")).rows[0];

test("a point counts every status exactly as the list's filters do, and the failing by reason", async () => {
  await seedEveryStatus();
  assert.deepEqual(await takeSnapshot(db.pool, opts(NOW)), { written: true });
  const p = await latest();
  for (const k of STATUS_KINDS) {
    const live = await db.pool.query(
      `SELECT count(*)::text AS n FROM destinations WHERE $1::bigint > 0 AND ${statusFilterSql(k, "$1")}`,
      [NOW],
    );
    assert.equal(p[k], live.rows[0].n, k);
  }
  assert.equal(p.total, "8");
  assert.equal(p.retrying, "2");
  assert.deepEqual(p.failing_kinds, { REACHABLE: 1, CONNECT_REFUSED: 1, CERT_EXPIRED: 1, IP_BLOCKED: 1 });
  // Due: the woken one (not claimed) and down.example (its backoff ran out); not the claimed one.
  assert.equal(p.due_now, "2");
});

test("one writer: a point within the interval, or while another process holds the lock, is skipped", async () => {
  assert.equal((await takeSnapshot(db.pool, opts(NOW))).written, true);
  assert.deepEqual(await takeSnapshot(db.pool, opts(NOW + MIN / 2)), { written: false, reason: "recent" });
  await withTransaction(db.pool, async (c) => {
    await c.query("SELECT pg_advisory_xact_lock($1)", [SNAPSHOT_LOCK_KEY]);
    assert.deepEqual(await takeSnapshot(db.pool, opts(NOW + MIN)), { written: false, reason: "locked" });
  });
  assert.equal((await takeSnapshot(db.pool, opts(NOW + MIN))).written, true);
  assert.equal(
    (await db.pool.query("SELECT count(*)::int AS n FROM ops_points WHERE resolution = 'minute'")).rows[0].n,
    2,
  );
});

test("attempts are counted once, by outcome, since the previous point", async () => {
  await insert([{ destination: "a.example" }]);
  const add = (outcome: string) =>
    db.pool.query(
      "INSERT INTO attempts (destination, started_ts, duration_ms, trigger, outcome, stage) VALUES ('a.example', $1, 5, 'schedule', $2, 'done')",
      [NOW, outcome],
    );
  await add("success"); // before the first point: not in any span
  await takeSnapshot(db.pool, opts(NOW));
  assert.equal((await latest()).attempts_success, "0");
  await add("success");
  await add("failure");
  await add("failure");
  await add("neutral");
  await takeSnapshot(db.pool, opts(NOW + MIN));
  const p = await latest();
  assert.deepEqual(
    [p.attempts_success, p.attempts_failure, p.attempts_neutral, p.span_ms],
    ["1", "2", "1", String(MIN)],
  );
  await takeSnapshot(db.pool, opts(NOW + 2 * MIN));
  assert.equal((await latest()).attempts_failure, "0");
});

test("the hour's point averages statuses and sums attempts; old points are pruned", async () => {
  const hour = Math.floor(NOW / HOUR_MS) * HOUR_MS;
  await insert([{ destination: "h.example", last_attempt_ts: BigInt(NOW), last_outcome: "success" }]);
  await takeSnapshot(db.pool, opts(hour + MIN));
  await insert([{ destination: "n.example" }]);
  await takeSnapshot(db.pool, opts(hour + 2 * MIN));
  const h = (await db.pool.query("SELECT * FROM ops_points WHERE resolution = 'hour'")).rows;
  assert.equal(h.length, 1);
  assert.equal(h[0].ts, String(hour));
  assert.equal(h[0].samples, 2);
  assert.equal(h[0].healthy, "1");
  assert.equal(h[0].never_contacted, "1"); // (0 + 1) / 2 rounded
  assert.equal(h[0].span_ms, String(MIN));
  // A week and a bit later the minute points are gone, the hourly one stays.
  await takeSnapshot(db.pool, opts(hour + MINUTE_RETENTION_MS + 3 * MIN));
  const left = (await db.pool.query("SELECT resolution, ts::text FROM ops_points ORDER BY ts")).rows;
  assert.deepEqual(
    left.map((r) => r.resolution),
    ["hour", "hour", "minute"],
  );
});

test("recovered_ts is set when a failure episode ends, and only then", async () => {
  await insert([{ destination: "r.example", retry_last_ts: 5n, retry_interval: 600_000n, failure_ts: 4n }]);
  const rec = async () =>
    (await db.pool.query("SELECT recovered_ts FROM destinations WHERE destination = 'r.example'")).rows[0].recovered_ts;
  await db.pool.query("UPDATE destinations SET retry_interval = 1200000, last_outcome = 'failure'");
  assert.equal(await rec(), null);
  const before = Date.now();
  await db.pool.query("UPDATE destinations SET failure_ts = NULL, retry_last_ts = 0, retry_interval = 0");
  assert.ok(Number(await rec()) >= before - 1000);
});
