// checkServer on a real database: who may check what, the stored history bound, the per-user
// rate limit (429 with retry_after_ms) and that a check leaves retry timings alone.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Principal } from "../auth/principal";
import { AppError } from "../errors";
import { dnsFor } from "../federation/dns-servers";
import { createIpGuard } from "../federation/ip-guard";
import { LOOPBACK_ALLOWLIST, startFakeFleet, type FakeFleet } from "../federation/testing/fake-fleet";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import type { CheckEnv } from "./check-options";
import { checkServer } from "./check-server";
import { getCheck, listChecks } from "./stored-checks";

let db: TestDatabase;
let fleet: FakeFleet;
let env: CheckEnv;

async function user(role: Principal["role"]): Promise<Principal> {
  const id = randomUUID();
  const email = `${role}-${id.slice(0, 8)}@example.org`;
  await db.pool.query("INSERT INTO users (id, email, role) VALUES ($1, $2, $3)", [id, email, role]);
  return { userId: id, email, role, via: "api" };
}

before(async () => {
  db = await createTestDatabase();
  fleet = await startFakeFleet([
    { name: "ok", behaviour: "healthy" },
    { name: "soon", behaviour: "expiringCert" },
  ]);
  env = {
    options: {
      dns: dnsFor(["127.0.0.1:9"]), // never asked: the names are IP literals
      ipGuard: createIpGuard({ allowlist: LOOPBACK_ALLOWLIST }),
      timeoutMs: 3_000,
      wellKnownPort: 1,
      ca: fleet.caPem,
    },
    history: 3,
    perUserPerMinute: 5,
    certWarningMs: 14 * 86_400_000,
  };
});
after(async () => {
  await fleet?.close();
  await db?.close();
});

test("a viewer checks a destination; other names need an operator; reports are stored and read back", async () => {
  const name = fleet.server("ok").serverName;
  await db.pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts) VALUES ($1, 123, 600000, 100)",
    [name],
  );
  const viewer = await user("viewer");
  const stored = await checkServer(db.pool, viewer, name, env, { destinationOnly: true });
  assert.equal(stored.federationOk, true);
  assert.equal(stored.report?.summary.federationOk, true);
  assert.equal((await getCheck(db.pool, viewer, stored.id.toString(), name)).headline, stored.headline);
  await assert.rejects(
    checkServer(db.pool, viewer, "127.0.0.1:1", env),
    (e: unknown) => e instanceof AppError && e.code === "forbidden",
  );
  await assert.rejects(checkServer(db.pool, viewer, "127.0.0.1:1", env, { destinationOnly: true }), {
    code: "not_found",
  });
  const operator = await user("operator");
  const down = await checkServer(db.pool, operator, "127.0.0.1:1", env);
  assert.equal(down.federationOk, false);
  assert.match(down.headline ?? "", /connection refused/);
  const timings = await db.pool.query(
    "SELECT retry_last_ts, retry_interval, failure_ts FROM destinations WHERE destination = $1",
    [name],
  );
  assert.deepEqual(timings.rows[0], { retry_last_ts: "123", retry_interval: "600000", failure_ts: "100" });
  assert.equal((await db.pool.query("SELECT count(*)::int AS n FROM attempts")).rows[0].n, 0);
});

test("history is bounded per server name; the rate limit answers 429 with retry_after_ms", async () => {
  const admin = await user("admin");
  const name = "not a valid name"; // fails at once: cheap to run many times
  for (let i = 0; i < 5; i++) await checkServer(db.pool, admin, name, env);
  assert.equal((await listChecks(db.pool, admin, name)).length, 3);
  await assert.rejects(checkServer(db.pool, admin, name, env), (e: unknown) => {
    assert.ok(e instanceof AppError && e.code === "rate_limited");
    const retry = e.extra.retry_after_ms as number;
    assert.ok(retry > 0 && retry <= 60_000, String(retry));
    return true;
  });
  // Another user is not limited by the first one's checks.
  await checkServer(db.pool, await user("admin"), name, env);
});

test("reports of names that are not destinations are bounded all together; a destination's are not touched", async () => {
  const admin = await user("admin");
  const mine = fleet.server("ok").serverName;
  await db.pool.query("INSERT INTO destinations (destination) VALUES ($1) ON CONFLICT DO NOTHING", [mine]);
  await checkServer(db.pool, admin, mine, env);
  const kept = { ...env, otherNamesKept: 4, perUserPerMinute: 100 };
  for (let i = 0; i < 7; i++) await checkServer(db.pool, admin, `one-off ${i} not valid`, kept);
  const others = await db.pool.query<{ server_name: string }>(
    `SELECT server_name FROM check_reports c
     WHERE NOT EXISTS (SELECT 1 FROM destinations d WHERE d.destination = c.server_name) ORDER BY id`,
  );
  assert.deepEqual(
    others.rows.map((r) => r.server_name),
    [3, 4, 5, 6].map((i) => `one-off ${i} not valid`),
    "the newest four",
  );
  assert.ok((await listChecks(db.pool, admin, mine)).length >= 1, "the destination's report is kept");
});

test("a destination's certificate expiring within the warning queues one cert_expiring alert; a far one none", async () => {
  const soon = fleet.server("soon").serverName;
  const ok = fleet.server("ok").serverName;
  await db.pool.query("INSERT INTO destinations (destination) VALUES ($1), ($2) ON CONFLICT DO NOTHING", [soon, ok]);
  const admin = await user("admin");
  await checkServer(db.pool, admin, soon, env);
  await checkServer(db.pool, admin, soon, env); // the same certificate again: no second alert
  await checkServer(db.pool, admin, ok, env);
  const r = await db.pool.query("SELECT destination FROM alert_pending WHERE kind = 'cert_expiring'");
  assert.deepEqual(
    r.rows.map((x) => x.destination),
    [soon],
  );
});
