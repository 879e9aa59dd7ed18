// The retry scheduler against real HTTPS servers on loopback: Synapse's backoff applied to
// real outcomes, not-due destinations left alone, blocked addresses never contacted, and a
// reset through the API reconnecting at once.
import { test, expect } from "@playwright/test";
import { startFakeFleet, VERSION_PATH, type FakeFleet } from "../../lib/federation/testing/fake-fleet";
import { createTestDatabase, type TestDatabase } from "../../lib/testing/test-database";
import { memberWithToken, startServer, type RunningServer } from "../support/server";
import { schedulerEnv, waitFor } from "../support/scheduler-env";

const MIN = 600_000;
let fleet: FakeFleet;
let db: TestDatabase;
let server: RunningServer;
let token: string;
let t0: number;

type Row = {
  destination: string;
  retry_last_ts: string;
  retry_interval: string;
  failure_ts: string | null;
  last_outcome: string | null;
  last_error_kind: string | null;
};

const row = async (d: string): Promise<Row> =>
  (
    await db.pool.query(
      "SELECT destination, retry_last_ts, retry_interval, failure_ts, last_outcome, last_error_kind FROM destinations WHERE destination = $1",
      [d],
    )
  ).rows[0];
const attempts = async (d: string) =>
  (
    await db.pool.query(
      "SELECT trigger, outcome, stage, reason, duration_ms, server_version FROM attempts WHERE destination = $1 ORDER BY id",
      [d],
    )
  ).rows;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  fleet = await startFakeFleet([
    { name: "healthy", behaviour: "healthy" },
    { name: "down", behaviour: "down" },
    { name: "notdue", behaviour: "healthy" },
    { name: "s404", behaviour: "status404" },
    { name: "hang", behaviour: "hang" },
    { name: "v6", behaviour: "healthy", host: "::1" },
    { name: "resetme", behaviour: "status500" },
    { name: "nulVersion", behaviour: "nulInVersion" },
    { name: "nulJson", behaviour: "invalidJsonWithNul" },
  ]);
  db = await createTestDatabase();
  t0 = Date.now();
  const due = { retry_last_ts: t0 - 2 * 3_600_000, retry_interval: MIN, failure_ts: t0 - 3 * 3_600_000 };
  const notDue = { retry_last_ts: t0, retry_interval: 86_400_000, failure_ts: t0 - 3_600_000 };
  const seed: [string, typeof due][] = [
    ["healthy", due],
    ["down", due],
    ["notdue", notDue],
    ["s404", due],
    ["hang", due],
    ["v6", due],
    ["resetme", notDue],
    ["nulVersion", due],
    ["nulJson", due],
  ];
  for (const [name, t] of seed) {
    await db.pool.query(
      "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts) VALUES ($1, $2, $3, $4)",
      [fleet.server(name).serverName, t.retry_last_ts, t.retry_interval, t.failure_ts],
    );
  }
  const env = schedulerEnv(fleet, db.url);
  // The database is migrated already: the member is made while the server starts.
  [server, token] = await Promise.all([
    startServer(env),
    memberWithToken(env, { email: "ops@example.org", role: "operator", password: "operator-pw-1" }),
  ]);
});

test.afterAll(async () => {
  await server?.stop();
  await fleet?.close();
  await db?.close();
});

test("a due destination on a healthy server is cleared within seconds of start", async () => {
  const name = fleet.server("healthy").serverName;
  const r = await waitFor("healthy cleared", async () => {
    const x = await row(name);
    return x.retry_last_ts === "0" ? x : undefined;
  });
  expect(r).toMatchObject({ retry_interval: "0", failure_ts: null, last_outcome: "success" });
  expect(await attempts(name)).toEqual([
    {
      trigger: "schedule",
      outcome: "success",
      stage: "done",
      reason: null,
      duration_ms: expect.any(Number),
      server_version: "1.2.3",
    },
  ]);
  expect(fleet.server("healthy").requests.count(VERSION_PATH)).toBe(1);
});

test("a closed port: retry_last_ts ≈ now, failure_ts kept, interval grown by Synapse's factor", async () => {
  const name = fleet.server("down").serverName;
  const r = await waitFor("down attempted", async () => {
    const x = await row(name);
    return x.last_outcome ? x : undefined;
  });
  expect(r.last_outcome).toBe("failure");
  expect(r.last_error_kind).toBe("CONNECT_REFUSED");
  expect(Number(r.retry_last_ts)).toBeGreaterThanOrEqual(t0);
  expect(Number(r.retry_last_ts)).toBeLessThanOrEqual(Date.now());
  expect(r.failure_ts).toBe(String(t0 - 3 * 3_600_000));
  const interval = Number(r.retry_interval);
  expect(interval).toBeGreaterThanOrEqual(MIN * 2 * 0.8);
  expect(interval).toBeLessThanOrEqual(MIN * 2 * 1.4);
});

test("a 404 answer is recorded but leaves the timings unchanged", async () => {
  const name = fleet.server("s404").serverName;
  const r = await waitFor("404 attempted", async () => {
    const x = await row(name);
    return x.last_outcome ? x : undefined;
  });
  expect(r).toMatchObject({
    last_outcome: "neutral",
    last_error_kind: "HTTP_404",
    retry_interval: String(MIN),
    failure_ts: String(t0 - 3 * 3_600_000),
  });
  expect(r.retry_last_ts).toBe(String(t0 - 2 * 3_600_000));
});

test("a hanging server times out and counts as a failure", async () => {
  const name = fleet.server("hang").serverName;
  const r = await waitFor(
    "hang timed out",
    async () => {
      const x = await row(name);
      return x.last_outcome ? x : undefined;
    },
    15_000,
  );
  expect(r.last_outcome).toBe("failure");
  expect(r.last_error_kind).toBe("TIMEOUT");
  const [a] = await attempts(name);
  expect(a.duration_ms).toBeGreaterThanOrEqual(1_900);
  expect(a.duration_ms).toBeLessThan(5_000);
});

test("an address in a blocked range is never connected to", async () => {
  const name = fleet.server("v6").serverName; // [::1]:port — ::1/128 is not allowlisted
  const r = await waitFor("blocked attempted", async () => {
    const x = await row(name);
    return x.last_outcome ? x : undefined;
  });
  expect(r).toMatchObject({ last_outcome: "failure", last_error_kind: "IP_BLOCKED" });
  expect(fleet.server("v6").connections).toBe(0);
});

test("a destination that is not due is not contacted", async () => {
  // By now every due destination has been attempted at least once.
  expect(fleet.server("notdue").connections).toBe(0);
  expect((await row(fleet.server("notdue").serverName)).last_outcome).toBeNull();
});

test("reset through the API on a now-healthy server: cleared timings and a successful attempt within 2 s", async () => {
  const member = fleet.server("resetme");
  await member.setBehaviour("healthy");
  const url = `${server.url}/_synapse/admin/v1/federation/destinations/${encodeURIComponent(member.serverName)}`;
  const started = Date.now();
  const res = await fetch(url + "/reset_connection", { method: "POST", headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({});
  const a = await waitFor("reset attempt", async () => (await attempts(member.serverName))[0], 2_000);
  expect(Date.now() - started).toBeLessThan(2_000);
  expect(a).toMatchObject({ trigger: "reset", outcome: "success" });
  const details = await (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).json();
  expect(details).toEqual({
    destination: member.serverName,
    last_successful_stream_ordering: null,
    failure_ts: null,
    retry_last_ts: 0,
    retry_interval: 0,
  });
  expect(member.requests.count(VERSION_PATH)).toBe(1);
});

test("a NUL in the remote's /version answer (JSON or broken JSON) is stripped: the attempt is recorded, Synapse's timings applied", async () => {
  const settled = async (name: string) =>
    waitFor(`${name} recorded`, async () => {
      const r = await db.pool.query(
        `SELECT retry_last_ts, retry_interval, failure_ts, last_outcome, last_error_kind, last_error_message,
                server_software, server_version, claimed_by FROM destinations WHERE destination = $1`,
        [fleet.server(name).serverName],
      );
      return r.rows[0].last_outcome ? r.rows[0] : undefined;
    });
  // A 2xx is a success for the backoff (Synapse clears it); what it said is kept without the NUL.
  expect(await settled("nulVersion")).toEqual({
    retry_last_ts: "0",
    retry_interval: "0",
    failure_ts: null,
    last_outcome: "success",
    last_error_kind: null,
    last_error_message: null,
    server_software: "FakeSynapse",
    server_version: "1.2.3-evil",
    claimed_by: null,
  });
  const broken = await settled("nulJson");
  expect(broken).toMatchObject({ retry_last_ts: "0", last_outcome: "success", claimed_by: null });
  const [a] = await db.pool
    .query("SELECT reason, message FROM attempts WHERE destination = $1", [fleet.server("nulJson").serverName])
    .then((r) => r.rows);
  expect(a.reason).toBe("INVALID_JSON");
  expect(a.message).toMatch(/^response is not valid JSON: /);
  expect(a.message).not.toContain("\0");
  for (const name of ["nulVersion", "nulJson"]) expect(await attempts(fleet.server(name).serverName)).toHaveLength(1);
});
