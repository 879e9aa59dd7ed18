import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { claimDue } from "./claim-due";
import { recordAttempt } from "./record-attempt";
import { DEFAULT_BACKOFF } from "./backoff";
import type { AttemptResult } from "./attempt-result";

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

const NOW = 1_800_000_000_000;
const MIN = Number(DEFAULT_BACKOFF.minIntervalMs);
const rec = { owner: "me", backoff: DEFAULT_BACKOFF, historyLimit: 3, random: () => 0.5 };

const result = (over: Partial<AttemptResult>): AttemptResult => ({
  outcome: "success",
  stage: "done",
  reason: null,
  message: null,
  httpStatus: 200,
  resolvedAddress: "127.0.0.1:8448",
  serverSoftware: "Synapse",
  serverVersion: "1.2.3",
  durationMs: 12,
  ...over,
});
const refused = result({
  outcome: "failure",
  stage: "connect",
  reason: "CONNECT_REFUSED",
  message: "connection refused",
  httpStatus: null,
  serverSoftware: null,
  serverVersion: null,
});

async function row(d: string) {
  return (
    await db.pool.query(
      `SELECT retry_last_ts, retry_interval, failure_ts, last_outcome, last_error_kind, last_error_message, last_success_ts,
            resolved_address, server_software, server_version, claimed_until, claimed_by, wake_requested_at
     FROM destinations WHERE destination = $1`,
      [d],
    )
  ).rows[0];
}

async function claimOne(nowMs = NOW) {
  const [c] = await claimDue(db.pool, { nowMs, leaseMs: 60_000, owner: "me", healthIntervalMs: 1, limit: 1 });
  assert.ok(c, "a claim");
  return c;
}

test("first failure backs off by exactly the minimum, keeps the error and releases the claim", async () => {
  await db.pool.query("INSERT INTO destinations (destination) VALUES ('down.example')");
  const claim = await claimOne();
  const r = await recordAttempt(db.pool, claim, refused, { ...rec, nowMs: NOW });
  assert.equal(r.timingsWritten, true);
  const d = await row("down.example");
  assert.equal(d.retry_last_ts, String(NOW));
  assert.equal(d.retry_interval, String(MIN));
  assert.equal(d.failure_ts, String(NOW));
  assert.equal(d.last_outcome, "failure");
  assert.equal(d.last_error_kind, "CONNECT_REFUSED");
  assert.equal(d.claimed_until, null);
  const a = await db.pool.query("SELECT trigger, outcome, stage, reason, duration_ms, started_ts FROM attempts");
  assert.deepEqual(a.rows, [
    {
      trigger: "schedule",
      outcome: "failure",
      stage: "connect",
      reason: "CONNECT_REFUSED",
      duration_ms: 12,
      started_ts: String(NOW - 12),
    },
  ]);
});

test("a later failure grows the interval and keeps failure_ts; success clears everything", async () => {
  await db.pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts) VALUES ('x.example', $1, $2, $3)",
    [NOW - MIN, MIN, NOW - 5 * MIN],
  );
  await recordAttempt(db.pool, await claimOne(), refused, { ...rec, nowMs: NOW });
  let d = await row("x.example");
  assert.equal(d.failure_ts, String(NOW - 5 * MIN));
  assert.equal(Number(d.retry_interval), Math.floor(MIN * 2 * 1.1)); // random 0.5 → jitter 1.1
  await recordAttempt(db.pool, await claimOne(NOW + 10 * MIN), result({}), { ...rec, nowMs: NOW + 10 * MIN });
  d = await row("x.example");
  assert.deepEqual([d.retry_last_ts, d.retry_interval, d.failure_ts], ["0", "0", null]);
  assert.equal(d.last_success_ts, String(NOW + 10 * MIN));
  assert.deepEqual([d.server_software, d.server_version, d.last_error_kind], ["Synapse", "1.2.3", null]);
});

test("a neutral answer (404) changes no timings but is recorded", async () => {
  await db.pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts) VALUES ('n.example', 1, 1, 1)",
  );
  const r = await recordAttempt(
    db.pool,
    await claimOne(),
    result({ outcome: "neutral", stage: "http", reason: "HTTP_404", httpStatus: 404 }),
    { ...rec, nowMs: NOW },
  );
  assert.equal(r.timingsWritten, false);
  const d = await row("n.example");
  assert.deepEqual(
    [d.retry_last_ts, d.retry_interval, d.failure_ts, d.last_outcome, d.last_error_kind],
    ["1", "1", "1", "neutral", "HTTP_404"],
  );
});

test("a reset during the attempt wins: the stale failure does not re-impose backoff, and the wake stays", async () => {
  await db.pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts) VALUES ('r.example', 1, 1, 1)",
  );
  const claim = await claimOne();
  await db.pool.query(
    "UPDATE destinations SET retry_last_ts = 0, retry_interval = 0, failure_ts = NULL, wake_requested_at = $1",
    [NOW + 1],
  );
  const r = await recordAttempt(db.pool, claim, refused, { ...rec, nowMs: NOW + 5 });
  assert.equal(r.timingsWritten, false);
  const d = await row("r.example");
  assert.deepEqual([d.retry_last_ts, d.retry_interval, d.wake_requested_at], ["0", "0", String(NOW + 1)]);
  // The requested attempt is claimable at once, as a reset.
  const again = await claimOne(NOW + 6);
  assert.equal(again.trigger, "reset");
  await recordAttempt(db.pool, again, result({}), { ...rec, nowMs: NOW + 7 });
  assert.equal((await row("r.example")).wake_requested_at, null);
});

test("history keeps only the newest attempts per destination", async () => {
  await db.pool.query("INSERT INTO destinations (destination) VALUES ('h.example'), ('other.example')");
  for (let i = 0; i < 5; i++) {
    await db.pool.query("UPDATE destinations SET last_attempt_ts = NULL");
    const c = await claimDue(db.pool, { nowMs: NOW + i, leaseMs: 1, owner: "me", healthIntervalMs: 1, limit: 2 });
    for (const claim of c) await recordAttempt(db.pool, claim, result({ durationMs: i }), { ...rec, nowMs: NOW + i });
  }
  const counts = await db.pool.query(
    "SELECT destination, count(*)::int AS n, min(duration_ms) AS oldest FROM attempts GROUP BY destination ORDER BY destination",
  );
  assert.deepEqual(counts.rows, [
    { destination: "h.example", n: 3, oldest: 2 },
    { destination: "other.example", n: 3, oldest: 2 },
  ]);
});

test("a destination forgotten during the attempt is not brought back", async () => {
  await db.pool.query("INSERT INTO destinations (destination) VALUES ('gone.example')");
  const claim = await claimOne();
  await db.pool.query("DELETE FROM destinations");
  const r = await recordAttempt(db.pool, claim, refused, { ...rec, nowMs: NOW });
  assert.equal(r.destinationGone, true);
  assert.equal((await db.pool.query("SELECT count(*)::int AS n FROM destinations")).rows[0].n, 0);
});

test("remote strings with NULs or of any length are stored cleaned and capped: the attempt is recorded", async () => {
  await db.pool.query("INSERT INTO destinations (destination) VALUES ('nul.example')");
  const answer = result({
    serverSoftware: "Fake\0Synapse",
    serverVersion: "1.2.3\0" + "9".repeat(100_000),
    reason: "INVALID_JSON",
    message: `response is not valid JSON: Unexpected token '\0', "{"server": \0}" is not valid JSON`,
  });
  await recordAttempt(db.pool, await claimOne(), answer, { ...rec, nowMs: NOW });
  const d = await row("nul.example");
  assert.equal(d.server_software, "FakeSynapse");
  assert.equal(d.server_version.length, 300);
  assert.equal(d.last_outcome, "success");
  assert.equal(d.claimed_by, null);
  const a = await db.pool.query("SELECT message, server_version FROM attempts WHERE destination = 'nul.example'");
  assert.equal(a.rows.length, 1);
  assert.equal(a.rows[0].message, `response is not valid JSON: Unexpected token '', "{"server": }" is not valid JSON`);
});

test("a row the database refuses is recorded without the remote strings, and the backoff still applies", async () => {
  // Stand-in for any refusal that is not "database down": a trigger rejecting the message.
  await db.pool.query(`CREATE OR REPLACE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.message LIKE '%poison%' THEN RAISE EXCEPTION 'refused' USING ERRCODE = '22021'; END IF; RETURN NEW; END $$`);
  await db.pool.query(
    "CREATE TRIGGER refuse_poison BEFORE INSERT ON attempts FOR EACH ROW EXECUTE FUNCTION refuse_poison()",
  );
  try {
    await db.pool.query("INSERT INTO destinations (destination) VALUES ('poison.example')");
    const r = await recordAttempt(
      db.pool,
      await claimOne(),
      { ...refused, message: "poison from the remote", serverSoftware: "x" },
      { ...rec, nowMs: NOW },
    );
    assert.equal(r.timingsWritten, true);
    const d = await row("poison.example");
    assert.deepEqual([d.retry_last_ts, d.retry_interval, d.last_outcome], [String(NOW), String(MIN), "failure"]);
    assert.equal(d.last_error_message, "the remote server's answer could not be stored (database error 22021)");
    assert.equal(d.claimed_by, null);
    const a = await db.pool.query("SELECT reason, server_software FROM attempts WHERE destination = 'poison.example'");
    assert.deepEqual(a.rows, [{ reason: "CONNECT_REFUSED", server_software: null }]);
  } finally {
    await db.pool.query("DROP TRIGGER refuse_poison ON attempts");
  }
});

test("the same write again (a retry after a COMMIT whose answer was lost) records the attempt once and backs off once", async () => {
  await db.pool.query("INSERT INTO destinations (destination) VALUES ('twice.example')");
  const claim = await claimOne();
  await recordAttempt(db.pool, claim, refused, { ...rec, nowMs: NOW });
  const again = await recordAttempt(db.pool, claim, refused, { ...rec, nowMs: NOW });
  assert.equal(again.timingsWritten, false);
  const n = await db.pool.query("SELECT count(*)::int AS n FROM attempts WHERE destination = 'twice.example'");
  assert.equal(n.rows[0].n, 1);
  assert.equal((await row("twice.example")).retry_interval, String(MIN));
  // A later attempt of the same scheduler is a new attempt.
  const next = await claimOne(NOW + MIN + 1);
  await recordAttempt(db.pool, next, refused, { ...rec, nowMs: NOW + MIN + 1 });
  const m = await db.pool.query("SELECT count(*)::int AS n FROM attempts WHERE destination = 'twice.example'");
  assert.equal(m.rows[0].n, 2);
});
