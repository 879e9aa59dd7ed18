// "Attempt now" against a real PostgreSQL and real fake homeservers on loopback (HTTPS with a
// test CA): a success clears a backoff, a failure changes no retry timing but is recorded, a
// claimed destination is refused (409) and never attempted twice at once, the IP guard holds,
// mirror mode never writes the Synapse columns, roles and the per-user rate apply.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import type { Principal } from "../auth/principal";
import { DEFAULT_BACKOFF } from "../federation/backoff";
import { claimDue } from "../federation/claim-due";
import { createIpGuard } from "../federation/ip-guard";
import { LOOPBACK_ALLOWLIST, startFakeFleet, type FakeFleet } from "../federation/testing/fake-fleet";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { ATTEMPT_IN_PROGRESS, attemptNow, type AttemptNowEnv } from "./attempt-now";

let db: TestDatabase;
let fleet: FakeFleet;
let userId: string;
const alertsSeen: string[] = [];

before(async () => {
  [db, fleet] = await Promise.all([
    createTestDatabase(),
    startFakeFleet([
      { name: "good", behaviour: "healthy" },
      { name: "down", behaviour: "down" },
      { name: "slow", behaviour: { kind: "slow", delayMs: 400 } },
    ]),
  ]);
  const u = await db.pool.query<{ id: string }>(
    "INSERT INTO users (id, email, role) VALUES (gen_random_uuid(), 'op@x.test', 'operator') RETURNING id",
  );
  userId = u.rows[0].id;
});
after(async () => {
  await fleet?.close();
  await db?.close();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE destinations, audit_events, attempt_starts CASCADE");
  alertsSeen.length = 0;
});

const operator: Principal = { userId: null, email: "op@x.test", role: "operator", via: "api" };
const viewer: Principal = { ...operator, email: "v@x.test", role: "viewer" };

function env(over: Partial<AttemptNowEnv> = {}): AttemptNowEnv {
  return {
    attempt: { timeoutMs: 5_000, ipGuard: createIpGuard({ allowlist: LOOPBACK_ALLOWLIST }), ca: fleet.caPem },
    backoff: DEFAULT_BACKOFF,
    historyLimit: 10,
    leaseMs: 60_000,
    perUserPerMinute: 10,
    mirror: false,
    noteForAlerts: async (_tx, _claim, result) => {
      alertsSeen.push(result.outcome);
    },
    ...over,
  };
}

const T0 = Date.now() - 3_600_000;
/** Backing off since an hour ago, next retry a day away. */
async function backingOff(name: string): Promise<void> {
  await db.pool.query(
    `INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_attempt_ts, last_outcome, last_error_kind)
     VALUES ($1, $2, 86400000, $3, $2, 'failure', 'CONNECT_REFUSED')`,
    [name, T0 + 1_000, T0],
  );
}

async function row(name: string) {
  return (
    await db.pool.query(
      `SELECT retry_last_ts::text, retry_interval::text, failure_ts::text, last_outcome, last_error_kind, last_error_message,
              last_attempt_ts::text, server_software, server_version, claimed_until, claimed_by
       FROM destinations WHERE destination = $1`,
      [name],
    )
  ).rows[0];
}

const attemptsOf = async (name: string) =>
  (await db.pool.query("SELECT trigger, outcome, reason FROM attempts WHERE destination = $1 ORDER BY id", [name]))
    .rows;

test("a success clears a backoff as a scheduled success does, and is recorded, audited and answered", async () => {
  const name = fleet.server("good").serverName;
  await backingOff(name);
  const before = Date.now();
  const r = await attemptNow(db.pool, operator, name, env());
  assert.equal(r.attempt.trigger, "manual");
  assert.equal(r.attempt.outcome, "success");
  assert.equal(r.attempt.httpStatus, 200);
  assert.equal(r.attempt.serverSoftware, "FakeSynapse");
  assert.ok(r.attempt.startedTs >= BigInt(before) - 1n && r.attempt.startedTs <= BigInt(Date.now()));
  assert.equal(r.timingsChanged, true);
  assert.deepEqual(
    { ...r.destination, lastSuccessfulStreamOrdering: null },
    { destination: name, retryLastTs: 0n, retryInterval: 0n, failureTs: null, lastSuccessfulStreamOrdering: null },
  );
  const d = await row(name);
  assert.equal(d.last_outcome, "success");
  assert.equal(d.last_error_kind, null);
  assert.equal(d.server_version, "1.2.3");
  assert.equal(d.claimed_until, null, "the claim is released with the attempt");
  assert.equal(d.claimed_by, null);
  assert.deepEqual(await attemptsOf(name), [{ trigger: "manual", outcome: "success", reason: null }]);
  const audit = await db.pool.query("SELECT actor, via, action, destination, detail FROM audit_events");
  assert.equal(audit.rows.length, 1);
  assert.deepEqual(audit.rows[0].detail, {
    outcome: "success",
    reason: null,
    http_status: 200,
    duration_ms: r.attempt.durationMs,
    was_backing_off: true,
  });
  assert.equal(audit.rows[0].action, "destination.attempt");
  assert.deepEqual(alertsSeen, ["success"], "a success moves the alert state");
  assert.ok(fleet.server("good").requests.count("/_matrix/federation/v1/version") >= 1);
});

test("a failure is recorded with its error but changes no retry timing, backing off or not", async () => {
  const name = fleet.server("down").serverName;
  await backingOff(name);
  const before = await row(name);
  const r = await attemptNow(db.pool, operator, name, env());
  assert.equal(r.attempt.outcome, "failure");
  assert.equal(r.attempt.reason, "CONNECT_REFUSED");
  assert.equal(r.timingsChanged, false);
  const after1 = await row(name);
  assert.deepEqual(
    [after1.retry_last_ts, after1.retry_interval, after1.failure_ts],
    [before.retry_last_ts, before.retry_interval, before.failure_ts],
  );
  assert.ok(BigInt(after1.last_attempt_ts) > BigInt(before.last_attempt_ts), "the last attempt moved on");
  assert.match(after1.last_error_message, /refused/);
  assert.equal(after1.claimed_until, null);
  assert.deepEqual(alertsSeen, ["neutral"], "a manual failure does not count towards down");

  // Not backing off: the button must not start a backoff.
  await db.pool.query("UPDATE destinations SET retry_last_ts = 0, retry_interval = 0, failure_ts = NULL");
  const r2 = await attemptNow(db.pool, operator, name, env());
  assert.equal(r2.attempt.outcome, "failure");
  assert.deepEqual(
    [r2.destination.retryLastTs, r2.destination.retryInterval, r2.destination.failureTs],
    [0n, 0n, null],
  );
  const after2 = await row(name);
  assert.deepEqual([after2.retry_last_ts, after2.retry_interval, after2.failure_ts], ["0", "0", null]);
  assert.equal(after2.last_error_kind, "CONNECT_REFUSED");
  assert.deepEqual(await attemptsOf(name), [
    { trigger: "manual", outcome: "failure", reason: "CONNECT_REFUSED" },
    { trigger: "manual", outcome: "failure", reason: "CONNECT_REFUSED" },
  ]);
  assert.equal((await db.pool.query("SELECT count(*)::int AS n FROM audit_events")).rows[0].n, 2);
});

test("the IP guard applies: a blocked address is never contacted and the failure changes no timing", async () => {
  const name = fleet.server("good").serverName;
  await db.pool.query("INSERT INTO destinations (destination) VALUES ($1)", [name]);
  const requests = fleet.server("good").requests.count("/_matrix/federation/v1/version");
  const r = await attemptNow(
    db.pool,
    operator,
    name,
    env({ attempt: { ...env().attempt, ipGuard: createIpGuard({}) } }),
  );
  assert.equal(r.attempt.reason, "IP_BLOCKED");
  assert.deepEqual([r.destination.retryLastTs, r.destination.retryInterval], [0n, 0n]);
  assert.equal(fleet.server("good").requests.count("/_matrix/federation/v1/version"), requests);
});

test("a claimed destination is refused with 409 and left alone; an expired claim is taken over", async () => {
  const name = fleet.server("good").serverName;
  await backingOff(name);
  const until = Date.now() + 60_000;
  await db.pool.query("UPDATE destinations SET claimed_until = $2, claimed_by = 'sched-1' WHERE destination = $1", [
    name,
    until,
  ]);
  await assert.rejects(attemptNow(db.pool, operator, name, env()), {
    code: "conflict",
    message: ATTEMPT_IN_PROGRESS(name),
  });
  const d = await row(name);
  assert.equal(d.claimed_by, "sched-1");
  assert.equal(d.claimed_until, String(until));
  assert.deepEqual(await attemptsOf(name), []);
  assert.equal((await db.pool.query("SELECT count(*)::int AS n FROM audit_events")).rows[0].n, 0);

  await db.pool.query("UPDATE destinations SET claimed_until = $2 WHERE destination = $1", [name, Date.now() - 1]);
  const r = await attemptNow(db.pool, operator, name, env());
  assert.equal(r.attempt.outcome, "success");
  assert.equal((await row(name)).claimed_by, null);
});

test("while a manual attempt runs, the scheduler cannot claim the destination and a second one gets 409", async () => {
  const name = fleet.server("slow").serverName;
  // Due for the scheduler: the backoff has expired.
  await db.pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts) VALUES ($1, $2, 1000, $2)",
    [name, T0],
  );
  const running = attemptNow(db.pool, operator, name, env());
  let claimedBy: string | null = null;
  for (let i = 0; i < 100 && claimedBy === null; i++) {
    claimedBy = (await row(name)).claimed_by;
    if (claimedBy === null) await new Promise((r) => setTimeout(r, 10));
  }
  assert.match(String(claimedBy), /^manual:/);
  const claims = await claimDue(db.pool, {
    limit: 10,
    nowMs: Date.now(),
    leaseMs: 60_000,
    owner: "sched-1",
    healthIntervalMs: 1,
  });
  assert.deepEqual(claims, [], "the scheduler skips a destination held by a manual attempt");
  await assert.rejects(attemptNow(db.pool, operator, name, env()), { code: "conflict" });
  const r = await running;
  assert.equal(r.attempt.outcome, "success");
  assert.deepEqual(await attemptsOf(name), [{ trigger: "manual", outcome: "success", reason: null }]);
  // Released: the scheduler may claim it again (it is healthy now; a health check is due at once).
  const again = await claimDue(db.pool, {
    limit: 10,
    nowMs: Date.now() + 10,
    leaseMs: 60_000,
    owner: "s",
    healthIntervalMs: 1,
  });
  assert.deepEqual(
    again.map((c) => c.destination),
    [name],
  );
});

test("mirror mode: neither a success nor a failure writes the four Synapse columns; findings are recorded", async () => {
  const good = fleet.server("good").serverName;
  const down = fleet.server("down").serverName;
  await backingOff(good);
  await db.pool.query("INSERT INTO destinations (destination) VALUES ($1)", [down]);
  const columns = async (n: string) => {
    const d = await row(n);
    return [d.retry_last_ts, d.retry_interval, d.failure_ts];
  };
  const before = [await columns(good), await columns(down)];
  const ok = await attemptNow(db.pool, operator, good, env({ mirror: true }));
  const bad = await attemptNow(db.pool, operator, down, env({ mirror: true }));
  assert.equal(ok.attempt.outcome, "success");
  assert.equal(bad.attempt.outcome, "failure");
  assert.equal(ok.timingsChanged, false);
  assert.deepEqual([await columns(good), await columns(down)], before);
  assert.equal((await row(good)).last_outcome, "success");
  assert.equal((await row(down)).last_error_kind, "CONNECT_REFUSED");
  const audit = await db.pool.query("SELECT detail->>'mirror' AS mirror FROM audit_events");
  assert.deepEqual(
    audit.rows.map((a) => a.mirror),
    ["true", "true"],
  );
});

test("viewers are refused, unknown destinations are 404, and nothing is claimed or recorded", async () => {
  const name = fleet.server("good").serverName;
  await backingOff(name);
  await assert.rejects(attemptNow(db.pool, viewer, name, env()), { code: "forbidden" });
  await assert.rejects(attemptNow(db.pool, operator, "nowhere.example.org", env()), {
    code: "not_found",
    message: "Unknown destination",
  });
  await assert.rejects(attemptNow(db.pool, operator, "bad\0name", env()), { code: "not_found" });
  assert.equal((await row(name)).claimed_by, null);
  assert.equal((await row(name)).retry_interval, "86400000");
  assert.equal((await db.pool.query("SELECT count(*)::int AS n FROM attempts")).rows[0].n, 0);
  assert.equal((await db.pool.query("SELECT count(*)::int AS n FROM audit_events")).rows[0].n, 0);
});

test("each user may start FEDERATION_MANUAL_ATTEMPT_RATE_LIMIT attempts a minute; refusals cost nothing", async () => {
  const name = fleet.server("good").serverName;
  await db.pool.query("INSERT INTO destinations (destination) VALUES ($1)", [name]);
  const member: Principal = { ...operator, userId };
  // A refused claim (unknown destination) is not counted.
  await assert.rejects(attemptNow(db.pool, member, "nowhere.example.org", env({ perUserPerMinute: 2 })), {
    code: "not_found",
  });
  await attemptNow(db.pool, member, name, env({ perUserPerMinute: 2 }));
  await attemptNow(db.pool, member, name, env({ perUserPerMinute: 2 }));
  await assert.rejects(attemptNow(db.pool, member, name, env({ perUserPerMinute: 2 })), (e: unknown) => {
    const err = e as { code: string; extra: { retry_after_ms: number } };
    assert.equal(err.code, "rate_limited");
    assert.ok(err.extra.retry_after_ms > 0 && err.extra.retry_after_ms <= 60_000);
    return true;
  });
  assert.equal((await row(name)).claimed_by, null, "a refused attempt takes no claim");
  assert.equal((await db.pool.query("SELECT count(*)::int AS n FROM attempts")).rows[0].n, 2);
  // fedctl-style principals (no user) are not limited.
  await attemptNow(db.pool, operator, name, env({ perUserPerMinute: 1 }));
});
