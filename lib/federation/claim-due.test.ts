import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { claimDestination, claimDue, releaseStrayClaims } from "./claim-due";

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
const opts = { nowMs: NOW, leaseMs: 60_000, owner: "a", healthIntervalMs: 0, limit: 100 };

async function insert(destination: string, cols: Record<string, number | null> = {}) {
  const names = ["destination", ...Object.keys(cols)];
  const vals = [destination, ...Object.values(cols)];
  await db.pool.query(
    `INSERT INTO destinations (${names.join(",")}) VALUES (${vals.map((_, i) => `$${i + 1}`).join(",")})`,
    vals,
  );
}

test("claims destinations whose backoff has expired, not those still backing off", async () => {
  await insert("due.example", { retry_last_ts: NOW - 600_000, retry_interval: 600_000 }); // exactly due
  await insert("later.example", { retry_last_ts: NOW - 1, retry_interval: 600_000 });
  await insert("healthy.example");
  const claims = await claimDue(db.pool, opts);
  assert.deepEqual(
    claims.map((c) => [c.destination, c.trigger]),
    [["due.example", "schedule"]],
  );
  assert.equal(claims[0].timings.retryInterval, 600_000n);
  const row = await db.pool.query(
    "SELECT claimed_until, claimed_by FROM destinations WHERE destination = 'due.example'",
  );
  assert.deepEqual(row.rows[0], { claimed_until: String(NOW + 60_000), claimed_by: "a" });
});

test("a claimed destination is not claimed again until its lease expires", async () => {
  await insert("due.example", { retry_last_ts: 1, retry_interval: 1 });
  assert.equal((await claimDue(db.pool, opts)).length, 1);
  assert.equal((await claimDue(db.pool, { ...opts, owner: "b" })).length, 0);
  const later = await claimDue(db.pool, { ...opts, owner: "b", nowMs: NOW + 60_001 });
  assert.deepEqual(
    later.map((c) => c.destination),
    ["due.example"],
  );
});

test("wake requests come first, then backoff expiries, then health checks (never-contacted first)", async () => {
  await insert("health-old.example", { last_attempt_ts: NOW - 7_200_000 });
  await insert("health-never.example");
  await insert("health-fresh.example", { last_attempt_ts: NOW - 60_000 });
  await insert("backoff.example", { retry_last_ts: 5, retry_interval: 5 });
  await insert("woken.example", { wake_requested_at: NOW - 10 });
  const claims = await claimDue(db.pool, { ...opts, healthIntervalMs: 3_600_000 });
  assert.deepEqual(
    claims.map((c) => `${c.trigger}:${c.destination}`),
    ["reset:woken.example", "schedule:backoff.example", "schedule:health-never.example", "schedule:health-old.example"],
  );
  assert.equal(claims[0].wakeRequestedAt, BigInt(NOW - 10));
});

test("health checks are off when the interval is 0, and the limit is respected", async () => {
  await insert("h.example");
  for (let i = 0; i < 5; i++) await insert(`d${i}.example`, { retry_last_ts: 1, retry_interval: 1 });
  assert.equal((await claimDue(db.pool, { ...opts, limit: 3 })).length, 3);
  const rest = await claimDue(db.pool, opts);
  assert.deepEqual(rest.map((c) => c.destination).sort(), ["d3.example", "d4.example"]);
});

test("two schedulers claiming at once never get the same destination", async () => {
  await db.pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval) SELECT 'd' || g || '.example', 1, 1 FROM generate_series(1, 2000) g",
  );
  const claimers = ["a", "b", "a2", "b2"].map(async (owner) => {
    const got: string[] = [];
    for (;;) {
      const c = await claimDue(db.pool, { ...opts, owner, limit: 37 });
      if (c.length === 0) return got;
      got.push(...c.map((x) => x.destination));
    }
  });
  const all = (await Promise.all(claimers)).flat();
  assert.equal(all.length, 2000);
  assert.equal(new Set(all).size, 2000);
});

test("timings near 2^63 do not overflow the due check", async () => {
  await db.pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval) VALUES ('huge.example', 9223372036854775807, 9223372036854775807)",
  );
  assert.deepEqual(await claimDue(db.pool, opts), []);
});

test("stray claims: an owner releases its claims except those it works on, and no one else's", async () => {
  for (const d of ["mine-working.example", "mine-lost.example", "theirs.example"])
    await insert(d, { retry_last_ts: 1, retry_interval: 1 });
  await db.pool.query(
    "UPDATE destinations SET claimed_by = 'a', claimed_until = $1 WHERE destination IN ('mine-working.example', 'mine-lost.example')",
    [NOW + 60_000],
  );
  await db.pool.query(
    "UPDATE destinations SET claimed_by = 'b', claimed_until = $1 WHERE destination = 'theirs.example'",
    [NOW + 60_000],
  );
  assert.equal(await releaseStrayClaims(db.pool, "a", ["mine-working.example"]), 1);
  const rows = await db.pool.query("SELECT destination, claimed_by FROM destinations ORDER BY destination");
  assert.deepEqual(rows.rows, [
    { destination: "mine-lost.example", claimed_by: null },
    { destination: "mine-working.example", claimed_by: "a" },
    { destination: "theirs.example", claimed_by: "b" },
  ]);
  // Released, it is claimable again at once (not when its lease would have run out).
  assert.deepEqual(
    (await claimDue(db.pool, { ...opts, owner: "c" })).map((c) => c.destination),
    ["mine-lost.example"],
  );
});

test("claimDestination takes one named destination with the scheduler's claim, never beside a scheduler's", async () => {
  const names = Array.from({ length: 30 }, (_, i) => `d${String(i).padStart(2, "0")}.example`);
  for (const n of names) await insert(n, { retry_last_ts: NOW - 600_000, retry_interval: 600_000, failure_ts: 5 });
  const one = { nowMs: NOW, leaseMs: 60_000, trigger: "manual" as const };
  const [scheduled, ...manual] = await Promise.all([
    claimDue(db.pool, { ...opts, owner: "sched" }),
    ...names.map((n) => claimDestination(db.pool, n, { ...one, owner: `manual-${n}` })),
  ]);
  const byScheduler = new Set(scheduled.map((c) => c.destination));
  names.forEach((n, i) => {
    const m = manual[i];
    assert.equal(typeof m === "object" && m !== null, !byScheduler.has(n), `${n}: exactly one claim`);
  });
  const owners = await db.pool.query<{ destination: string; claimed_by: string }>(
    "SELECT destination, claimed_by FROM destinations ORDER BY destination",
  );
  for (const r of owners.rows)
    assert.equal(r.claimed_by, byScheduler.has(r.destination) ? "sched" : `manual-${r.destination}`);
  const taken = manual.find((m) => typeof m === "object" && m !== null);
  if (taken && typeof taken === "object") {
    assert.equal(taken.trigger, "manual");
    assert.deepEqual(taken.timings, { retryLastTs: BigInt(NOW - 600_000), retryInterval: 600_000n, failureTs: 5n });
    assert.equal(taken.wakeRequestedAt, null);
  }
  // Held (lease not expired): "claimed"; unknown: null; after the lease: taken over.
  assert.equal(await claimDestination(db.pool, names[0], { ...one, owner: "x" }), "claimed");
  assert.equal(await claimDestination(db.pool, "nowhere.example", { ...one, owner: "x" }), null);
  const later = await claimDestination(db.pool, names[0], { ...one, nowMs: NOW + 60_001, owner: "x" });
  assert.equal(typeof later === "object" && later?.destination, names[0]);
});
