// Two `npm run scheduler` processes on one database: 40 destinations go down, 40 down events
// (grouping off), each delivered to the receiver exactly once, the work shared by both.
import { test, expect } from "@playwright/test";
import { CLI_PRINCIPAL } from "../../lib/auth/principal";
import { createIpGuard } from "../../lib/federation/ip-guard";
import { startFakeFleet, type FakeFleet } from "../../lib/federation/testing/fake-fleet";
import { createTestDatabase, type TestDatabase } from "../../lib/testing/test-database";
import { createWebhook } from "../../lib/webhooks/endpoints";
import { startSchedulerProcess, type RunningProcess } from "../support/server";
import { schedulerEnv, waitFor } from "../support/scheduler-env";
import { startReceiver, type Receiver } from "./receiver";

const N = 40;
const SECRET = "two-schedulers-secret-0123456789";
let fleet: FakeFleet | undefined;
let db: TestDatabase | undefined;
let receiver: Receiver | undefined;
const schedulers: RunningProcess[] = [];

test.afterAll(async () => {
  await Promise.all(schedulers.map((s) => s.stop()));
  await fleet?.close();
  await receiver?.close();
  await db?.close();
});

test(`two scheduler processes, ${N} down events: each delivered exactly once`, async () => {
  test.setTimeout(90_000);
  const rx = await startReceiver();
  receiver = rx;
  rx.setDelay(30); // a receiver that takes a moment: both processes get to claim
  fleet = await startFakeFleet(Array.from({ length: N }, (_, i) => ({ name: `h${i}`, behaviour: "healthy" as const })));
  db = await createTestDatabase();
  const pool = db.pool;
  const names = fleet.servers.map((s) => s.serverName);
  await pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval) SELECT unnest($1::text[]), 0, 0",
    [names],
  );
  await createWebhook(
    pool,
    CLI_PRINCIPAL,
    { url: rx.url("/hook"), secret: SECRET, events: ["down"] },
    createIpGuard({ allowlist: ["127.0.0.0/8"] }),
  );
  const env = schedulerEnv(fleet, db.url, {
    FEDERATION_HEALTH_INTERVAL: "300",
    FEDERATION_MIN_RETRY_INTERVAL: "300",
    FEDERATION_MAX_RETRY_INTERVAL: "600",
    FEDERATION_RETRY_MULTIPLIER: "1",
    FEDCONSOLE_ALERT_GROUP_WINDOW: "300",
    FEDCONSOLE_ALERT_GROUP_MIN: "1000", // one event per destination
    FEDCONSOLE_WEBHOOK_POLL_INTERVAL: "100",
  });
  schedulers.push(...(await Promise.all([startSchedulerProcess(env), startSchedulerProcess(env)])));
  await waitFor("all seen healthy", async () => {
    const r = await pool.query("SELECT count(*)::int AS n FROM alert_states WHERE state = 'up'");
    return r.rows[0].n === N;
  });
  await Promise.all(fleet.servers.map((s) => s.setBehaviour("down")));
  await waitFor(
    "every down event received",
    async () => new Set(rx.on("/hook").map((r) => r.json.id)).size >= N,
    40_000,
  );
  await new Promise((r) => setTimeout(r, 1_500)); // would a second delivery sneak in?

  const got = rx.on("/hook");
  expect(got).toHaveLength(N);
  expect(new Set(got.map((r) => r.json.id)).size).toBe(N);
  expect(got.flatMap((r) => r.json.destinations.map((d) => d.destination)).sort()).toEqual([...names].sort());
  for (const r of got) expect(rx.verified(r, SECRET)).toBe(true);
  const rows = await pool.query(
    "SELECT count(*)::int AS tries, count(DISTINCT delivery_id)::int AS deliveries, count(DISTINCT scheduler)::int AS schedulers FROM webhook_delivery_tries",
  );
  expect(rows.rows[0]).toMatchObject({ tries: N, deliveries: N });
  const events = await pool.query("SELECT count(*)::int AS n FROM webhook_events WHERE kind = 'down'");
  expect(events.rows[0].n).toBe(N);
  test
    .info()
    .annotations.push({ type: "measured", description: `deliveries shared by ${rows.rows[0].schedulers} processes` });
  console.log(`two schedulers: ${N} events delivered once each, by ${rows.rows[0].schedulers} processes`);
});
