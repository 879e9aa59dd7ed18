// Alert detection, damping, dead and grouping against a real PostgreSQL, through recordAttempt
// with the same afterRecord hook the scheduler installs.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { recordAttempt } from "../federation/record-attempt";
import { DEFAULT_BACKOFF } from "../federation/backoff";
import type { AttemptResult } from "../federation/attempt-result";
import type { Claim } from "../federation/claim-due";
import { noteAttemptForAlerts } from "./note-attempt";
import { evaluateAlerts } from "./evaluate-alerts";
import { groupAlerts } from "./group-alerts";
import type { AlertConfig } from "./alert-config";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE destinations, alert_pending, webhook_events, webhook_endpoints CASCADE");
});

const MIN = 60_000;
const cfg: AlertConfig = {
  downAfter: 2,
  deadAfterMs: 7 * 86_400_000,
  minGapMs: 30 * MIN,
  groupWindowMs: 10_000,
  groupMin: 5,
  certWarningMs: 14 * 86_400_000,
  syncFailingAfterMs: 15 * MIN,
};
const T0 = 1_800_000_000_000;
const ctx = { publicUrl: "https://console.example.org", serverName: "example.org" };

const ok: AttemptResult = {
  outcome: "success",
  stage: "done",
  reason: null,
  message: null,
  httpStatus: 200,
  resolvedAddress: null,
  serverSoftware: null,
  serverVersion: null,
  durationMs: 5,
};
const refused: AttemptResult = {
  ...ok,
  outcome: "failure",
  stage: "connect",
  reason: "CONNECT_REFUSED",
  message: "connection refused",
  httpStatus: null,
};

async function attempt(d: string, r: AttemptResult, nowMs: number, c: AlertConfig = cfg) {
  const t = await db.pool.query(
    "SELECT retry_last_ts, retry_interval, failure_ts FROM destinations WHERE destination = $1",
    [d],
  );
  const row = t.rows[0];
  const claim: Claim = {
    destination: d,
    trigger: "schedule",
    timings: {
      retryLastTs: BigInt(row.retry_last_ts),
      retryInterval: BigInt(row.retry_interval),
      failureTs: row.failure_ts === null ? null : BigInt(row.failure_ts),
    },
    wakeRequestedAt: null,
  };
  await recordAttempt(
    db.pool,
    claim,
    { ...r, durationMs: r.durationMs + (nowMs % 1000) },
    {
      nowMs,
      owner: "test",
      backoff: DEFAULT_BACKOFF,
      historyLimit: 50,
      random: () => 0.5,
      afterRecord: (tx, cl, res, now) => noteAttemptForAlerts(tx, cl.destination, cl.timings, res, now, c),
    },
  );
}

const pending = async () =>
  (await db.pool.query("SELECT kind, destination FROM alert_pending ORDER BY id")).rows as {
    kind: string;
    destination: string | null;
  }[];

const add = (names: string[], retryLastTs = 0) =>
  db.pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval) SELECT unnest($1::text[]), $2, 0",
    [names, retryLastTs],
  );

test("a healthy destination is down after FEDCONSOLE_ALERT_DOWN_AFTER failures, once, then recovered once", async () => {
  await add(["a.example"]);
  await attempt("a.example", ok, T0);
  await attempt("a.example", refused, T0 + 1_000);
  assert.deepEqual(await pending(), [], "one failure is not down yet");
  await attempt("a.example", refused, T0 + 2_000);
  await attempt("a.example", refused, T0 + 3_000);
  assert.deepEqual(await pending(), [{ kind: "down", destination: "a.example" }]);
  await attempt("a.example", ok, T0 + 4_000);
  assert.deepEqual(
    (await pending()).map((p) => p.kind),
    ["down", "recovered"],
  );
});

test("flapping within FEDCONSOLE_ALERT_MIN_GAP is damped; a damped down that lasts is announced after the gap", async () => {
  await add(["f.example"]);
  let t = T0;
  const next = () => {
    t += 1_000;
    return t;
  };
  await attempt("f.example", ok, t);
  for (let cycle = 0; cycle < 3; cycle++) {
    await attempt("f.example", refused, next());
    await attempt("f.example", refused, next());
    await attempt("f.example", ok, next());
  }
  assert.deepEqual(
    (await pending()).map((p) => p.kind),
    ["down", "recovered"],
    "one pair for three flaps",
  );
  await attempt("f.example", refused, next());
  await attempt("f.example", refused, next());
  assert.equal((await evaluateAlerts(db.pool, t + 1_000, cfg)).lateDowns, 0, "still within the gap");
  assert.equal(
    (await evaluateAlerts(db.pool, T0 + 2_000 + cfg.minGapMs - 1, cfg)).lateDowns,
    0,
    "1 ms before the gap ends",
  );
  assert.equal((await evaluateAlerts(db.pool, T0 + 2_000 + cfg.minGapMs, cfg)).lateDowns, 1);
  assert.equal((await evaluateAlerts(db.pool, T0 + 3_000 + cfg.minGapMs, cfg)).lateDowns, 0, "announced once");
  assert.deepEqual(
    (await pending()).map((p) => p.kind),
    ["down", "recovered", "down"],
  );
});

test("a destination first seen backing off is never announced down, but turns dead once", async () => {
  await db.pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts) VALUES ('old.example', $1, 600000, $2)",
    [T0 - 1_000, T0 - 8 * 86_400_000],
  );
  await attempt("old.example", refused, T0);
  await attempt("old.example", refused, T0 + 1_000);
  assert.deepEqual(await pending(), []);
  assert.equal((await evaluateAlerts(db.pool, T0 + 2_000, cfg)).dead, 1);
  assert.equal((await evaluateAlerts(db.pool, T0 + 3_000, cfg)).dead, 0);
  await attempt("old.example", ok, T0 + 4_000);
  assert.deepEqual(
    (await pending()).map((p) => p.kind),
    ["dead"],
    "its recovery is silent: its down never was announced",
  );
});

test("many downs within the window become one grouped event with one delivery per subscribed endpoint", async () => {
  const names = Array.from({ length: 30 }, (_, i) => `m${String(i).padStart(2, "0")}.example`);
  await add(names);
  await db.pool.query(
    "INSERT INTO webhook_endpoints (url, secret_box, events) VALUES ('http://127.0.0.1:1/a', 'x', '{down}'), ('http://127.0.0.1:1/b', 'x', '{recovered}')",
  );
  for (const n of names) await attempt(n, ok, T0);
  for (const n of names) await attempt(n, refused, T0 + 1_000);
  for (const n of names) await attempt(n, refused, T0 + 2_000);
  assert.equal(await groupAlerts(db.pool, T0 + 5_000, cfg, ctx), 0, "the window has not passed");
  assert.equal(await groupAlerts(db.pool, T0 + 2_000 + cfg.groupWindowMs, cfg, ctx), 1);
  const e = await db.pool.query("SELECT kind, body FROM webhook_events");
  assert.equal(e.rows.length, 1);
  const body = JSON.parse(e.rows[0].body);
  assert.equal(body.event, "down");
  assert.equal(body.count, 30);
  assert.equal(body.destinations.length, 20);
  assert.equal(body.more, 10);
  assert.equal(body.destinations[0].destination, "m00.example");
  assert.match(
    body.text,
    /^🔴 30 destinations are down: m00\.example, .* and 25 more \(mostly: Connection: connection refused\)$/,
  );
  assert.equal(body.link, "https://console.example.org/destinations?status=failing");
  const d = await db.pool.query(
    "SELECT w.url FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id",
  );
  assert.deepEqual(d.rows, [{ url: "http://127.0.0.1:1/a" }], "only the endpoint that chose down");
  assert.deepEqual(await pending(), []);
});

test("fewer than FEDCONSOLE_ALERT_GROUP_MIN arrive one by one, with the destination's link", async () => {
  await add(["x.example", "y.example"]);
  for (const n of ["x.example", "y.example"]) {
    await attempt(n, ok, T0);
    await attempt(n, refused, T0 + 1_000);
    await attempt(n, refused, T0 + 2_000);
  }
  assert.equal(await groupAlerts(db.pool, T0 + 60_000, cfg, ctx), 2);
  const e = await db.pool.query("SELECT body FROM webhook_events ORDER BY id");
  const bodies = e.rows.map((r) => JSON.parse(r.body));
  assert.deepEqual(
    bodies.map((b) => [b.text, b.link]),
    [
      ["🔴 x.example is down: Connection: connection refused", "https://console.example.org/destinations/x.example"],
      ["🔴 y.example is down: Connection: connection refused", "https://console.example.org/destinations/y.example"],
    ],
  );
});

test("a certificate within the warning is announced once per certificate", async () => {
  await add(["c.example"]);
  const soon = T0 + 3 * 86_400_000;
  await attempt("c.example", { ...ok, certNotAfterMs: T0 + 30 * 86_400_000 }, T0);
  assert.deepEqual(await pending(), []);
  await attempt("c.example", { ...ok, certNotAfterMs: soon }, T0 + 1_000);
  await attempt("c.example", { ...ok, certNotAfterMs: soon }, T0 + 2_000);
  assert.deepEqual(await pending(), [{ kind: "cert_expiring", destination: "c.example" }]);
});

test("the upstream sync failing is announced once per outage", async () => {
  await db.pool.query("DELETE FROM alert_marks");
  await db.pool.query(
    "INSERT INTO upstream_state (id, failing_since, last_error) VALUES (true, $1, 'hs answered 502') ON CONFLICT (id) DO UPDATE SET failing_since = $1, last_error = 'hs answered 502'",
    [T0],
  );
  assert.equal((await evaluateAlerts(db.pool, T0 + 60_000, cfg)).syncFailing, 0);
  assert.equal((await evaluateAlerts(db.pool, T0 + cfg.syncFailingAfterMs, cfg)).syncFailing, 1);
  assert.equal((await evaluateAlerts(db.pool, T0 + cfg.syncFailingAfterMs + 1, cfg)).syncFailing, 0);
  await db.pool.query("UPDATE upstream_state SET failing_since = $1", [T0 + 3_600_000]);
  assert.equal((await evaluateAlerts(db.pool, T0 + 3_600_000 + cfg.syncFailingAfterMs, cfg)).syncFailing, 1);
  await db.pool.query("UPDATE upstream_state SET failing_since = NULL");
});
