// Two `npm run scheduler` processes on one PostgreSQL share 1,000 due destinations: each is
// attempted exactly once, counted at the fake servers themselves. The attempt timeout is long: on
// a loaded machine a fake's TLS handshake can take seconds, and a timed-out attempt is a failure.
import { test, expect } from "@playwright/test";
import { startFakeFleet, VERSION_PATH, type FakeFleet } from "../../lib/federation/testing/fake-fleet";
import { createTestDatabase, type TestDatabase } from "../../lib/testing/test-database";
import { startSchedulerProcess, type RunningProcess } from "../support/server";
import { schedulerEnv, waitFor } from "../support/scheduler-env";

const N = 1_000;
let fleet: FakeFleet | undefined;
let db: TestDatabase | undefined;
const schedulers: RunningProcess[] = [];

test.afterAll(async () => {
  await Promise.all(schedulers.map((s) => s.stop()));
  await fleet?.close();
  await db?.close();
});

test(`two scheduler processes, ${N} due destinations: every one attempted exactly once`, async () => {
  test.setTimeout(180_000);
  fleet = await startFakeFleet(Array.from({ length: N }, (_, i) => ({ name: `h${i}`, behaviour: "healthy" as const })));
  db = await createTestDatabase();
  await db.pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts) SELECT unnest($1::text[]), 1, 600000, 1",
    [fleet.servers.map((s) => s.serverName)],
  );
  const env = schedulerEnv(fleet, db.url, { FEDERATION_ATTEMPT_TIMEOUT: "30s" });
  const started = Date.now();
  schedulers.push(...(await Promise.all([startSchedulerProcess(env), startSchedulerProcess(env)])));
  const pool = db.pool;
  await waitFor(
    "all attempts recorded",
    async () => {
      const r = await pool.query("SELECT count(*)::int AS n FROM attempts");
      return r.rows[0].n >= N;
    },
    120_000,
  );
  const elapsed = Date.now() - started;
  await new Promise((r) => setTimeout(r, 1_000)); // would a second attempt sneak in?

  const perServer = fleet.servers.map((s) => s.requests.count(VERSION_PATH));
  expect(perServer.filter((n) => n !== 1).length, "servers not contacted exactly once").toBe(0);
  const rows = await pool.query(
    "SELECT count(*)::int AS attempts, count(DISTINCT destination)::int AS destinations, count(DISTINCT scheduler)::int AS schedulers FROM attempts",
  );
  expect(rows.rows[0]).toEqual({ attempts: N, destinations: N, schedulers: 2 });
  const left = await pool.query(
    "SELECT count(*)::int AS n FROM destinations WHERE retry_last_ts <> 0 OR claimed_until IS NOT NULL",
  );
  expect(left.rows[0].n).toBe(0);
  test.info().annotations.push({
    type: "measured",
    description: `${N} attempts by 2 schedulers in ${elapsed} ms (${Math.round((N * 1000) / elapsed)} attempts/s)`,
  });
  console.log(`two schedulers: ${N} attempts in ${elapsed} ms (${Math.round((N * 1000) / elapsed)}/s)`);
});
