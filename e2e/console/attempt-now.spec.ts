// "Attempt now" end to end: a server of its own (scheduler on, health checks off) on a fresh
// database, fake homeservers on loopback (real HTTPS with a test CA). The API answers the
// recorded attempt and the destination's exact timings after it; a failure leaves the timings
// as they were; viewers, unknown and claimed destinations are refused; an operator's button
// shows the result and the new attempt in the history, and a viewer has no button.
import AxeBuilder from "@axe-core/playwright";
import fs from "node:fs";
import pg from "pg";
import { test, expect } from "../support/fixtures";
import { createTestDatabase, type TestDatabase } from "../../lib/testing/test-database";
import { fedctl, memberWithToken, startServer, type RunningServer } from "../support/server";
import { startFakeFleet, type FakeFleet } from "../../lib/federation/testing/fake-fleet";
import { schedulerEnv } from "../support/scheduler-env";
import { login } from "./helpers";

let fleet: FakeFleet;
let database: TestDatabase;
let server: RunningServer;
let pool: pg.Pool;
let dir: string;
let env: Record<string, string>;
const tokens: Record<"operator" | "viewer", string> = { operator: "", viewer: "" };
const HUGE_INTERVAL = "4611686018427387905"; // 2^62 + 1: survives only as exact digits

test.beforeAll(async () => {
  test.setTimeout(180_000);
  fleet = await startFakeFleet([
    { name: "good", behaviour: "healthy" },
    { name: "bad", behaviour: "down" },
    { name: "page", behaviour: "healthy" },
  ]);
  database = await createTestDatabase();
  // The scheduler on, health checks off: the scheduler attempts nothing here on its own.
  env = schedulerEnv(fleet, database.url);
  dir = env.FEDCONSOLE_DATA_DIR;
  server = await startServer(env);
  [tokens.operator, tokens.viewer] = await Promise.all([
    memberWithToken(env, { email: "operator@attempt.test", role: "operator" }),
    memberWithToken(env, { email: "viewer@attempt.test", role: "viewer" }),
  ]);
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const now = Date.now();
  // Backing off, next retry far away: only "Attempt now" contacts them.
  await pool.query(
    `INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_attempt_ts, last_outcome, last_error_kind)
     VALUES ($1, $3, 86400000, $4, $3, 'failure', 'CONNECT_REFUSED'), ($2, $3, $5, $4, $3, 'failure', 'CONNECT_REFUSED')`,
    [fleet.server("good").serverName, fleet.server("bad").serverName, now - 1000, now - 3_600_000, HUGE_INTERVAL],
  );
  await pool.query("INSERT INTO destinations (destination) VALUES ($1)", [fleet.server("page").serverName]);
});

test.afterAll(async () => {
  await pool?.end();
  await server?.stop();
  await database?.close();
  await fleet?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function attempt(name: string, token: string | null) {
  return fetch(`${server.url}/_fedconsole/v1/destinations/${encodeURIComponent(name)}/attempt`, {
    method: "POST",
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
}

test("API: a success clears the backoff and answers the recorded manual attempt", async () => {
  const name = fleet.server("good").serverName;
  const r = await attempt(name, tokens.operator);
  expect(r.status).toBe(200);
  const body = await r.json();
  expect(body).toMatchObject({
    destination: name,
    retry_last_ts: 0,
    retry_interval: 0,
    failure_ts: null,
    timings_changed: true,
    attempt: {
      trigger: "manual",
      outcome: "success",
      stage: "done",
      error_kind: null,
      error: null,
      http_status: 200,
      resolved_address: name,
      server_software: "FakeSynapse",
      server_version: "1.2.3",
    },
  });
  expect(body.attempt.duration_ms).toBeGreaterThanOrEqual(0);
  expect(Math.abs(body.attempt.started_ts - Date.now())).toBeLessThan(60_000);
  const audit = await pool.query("SELECT actor, via, detail FROM audit_events WHERE action = 'destination.attempt'");
  expect(audit.rows).toEqual([
    {
      actor: "operator@attempt.test",
      via: "api",
      detail: expect.objectContaining({ outcome: "success", was_backing_off: true }),
    },
  ]);
});

test("API: a failure is recorded with its error and leaves the exact timings as they were", async () => {
  const name = fleet.server("bad").serverName;
  const before = (
    await pool.query("SELECT retry_last_ts::text, failure_ts::text FROM destinations WHERE destination = $1", [name])
  ).rows[0];
  const r = await attempt(name, tokens.operator);
  expect(r.status).toBe(200);
  const text = await r.text();
  // Exact 64-bit integers: the interval is above 2^53.
  expect(text).toContain(`"retry_interval":${HUGE_INTERVAL}`);
  expect(text).toContain(`"retry_last_ts":${before.retry_last_ts},`);
  expect(text).toContain(`"failure_ts":${before.failure_ts},`);
  const body = JSON.parse(text);
  expect(body.timings_changed).toBe(false);
  expect(body.attempt).toMatchObject({ trigger: "manual", outcome: "failure", error_kind: "CONNECT_REFUSED" });
  expect(body.attempt.error).toMatch(/refused/);
  const stored = (
    await pool.query(
      "SELECT retry_last_ts::text, retry_interval::text, failure_ts::text, last_error_kind FROM destinations WHERE destination = $1",
      [name],
    )
  ).rows[0];
  expect(stored).toEqual({ ...before, retry_interval: HUGE_INTERVAL, last_error_kind: "CONNECT_REFUSED" });
});

test("API: viewers, unknown and claimed destinations are refused with Matrix errors", async () => {
  const good = fleet.server("good").serverName;
  const missing = await attempt(good, null);
  expect(missing.status).toBe(401);
  expect((await missing.json()).errcode).toBe("M_MISSING_TOKEN");
  const viewer = await attempt(good, tokens.viewer);
  expect(viewer.status).toBe(403);
  expect(await viewer.json()).toMatchObject({ errcode: "M_FORBIDDEN" });
  const unknown = await attempt("nowhere.example.org", tokens.operator);
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toEqual({ errcode: "M_NOT_FOUND", error: "Unknown destination" });
  // Held by a scheduler right now: 409, and the claim is left alone.
  await pool.query(
    "UPDATE destinations SET claimed_until = $2, claimed_by = 'other-scheduler' WHERE destination = $1",
    [good, Date.now() + 60_000],
  );
  try {
    const held = await attempt(good, tokens.operator);
    expect(held.status).toBe(409);
    const body = await held.json();
    expect(body.errcode).toBe("M_UNKNOWN");
    expect(body.error).toContain("in progress right now");
    const claim = await pool.query("SELECT claimed_by FROM destinations WHERE destination = $1", [good]);
    expect(claim.rows[0].claimed_by).toBe("other-scheduler");
  } finally {
    await pool.query("UPDATE destinations SET claimed_until = NULL, claimed_by = NULL WHERE destination = $1", [good]);
  }
});

test("console: an operator's Attempt now shows the result and the manual attempt; a viewer has no button", async ({
  browser,
}) => {
  const name = fleet.server("page").serverName;
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  await login(page, "operator", { email: "operator@attempt.test", password: "operator-password-1" });
  await page.goto(`/destinations/${encodeURIComponent(name)}`);
  await expect(page.getByTestId("detail-status")).toContainText("Never contacted");
  await page.getByRole("button", { name: "Attempt now" }).click();
  await expect(page.getByTestId("attempt-now-result")).toHaveText(
    /^Attempt succeeded in \d[\d,]* ms \(FakeSynapse 1\.2\.3\)\.$/,
    { timeout: 20_000 },
  );
  const newest = page.getByTestId("attempts").locator("li").first();
  await expect(newest).toHaveAttribute("data-trigger", "manual");
  await expect(newest).toContainText("Manual");
  await expect(newest).toContainText("Success");
  await expect(page.getByTestId("detail-status")).toContainText("Healthy");
  // The button and its result line pass axe (WCAG AA) in both colour schemes, as every page must.
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const axe = new AxeBuilder({ page }).include("main");
    const r = await (scheme === "light"
      ? axe.withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
      : axe.withRules(["color-contrast"])
    ).analyze();
    expect(
      r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${scheme}: ${v.id}`),
    ).toEqual([]);
  }
  await context.close();

  const viewerContext = await browser.newContext({ baseURL: server.url });
  const viewerPage = await viewerContext.newPage();
  await login(viewerPage, "viewer", { email: "viewer@attempt.test", password: "viewer-password-1" });
  await viewerPage.goto(`/destinations/${encodeURIComponent(name)}`);
  await expect(viewerPage.getByTestId("attempts").locator("li").first()).toHaveAttribute("data-trigger", "manual");
  await expect(viewerPage.getByRole("button", { name: "Attempt now" })).toHaveCount(0);
  await viewerContext.close();
});

test("fedctl destinations attempt: the same attempt from the command line, audited as fedctl; exit 1 on a failure", async () => {
  const name = fleet.server("bad").serverName;
  const before = await pool.query(
    "SELECT retry_last_ts::text, retry_interval::text, failure_ts::text FROM destinations WHERE destination = $1",
    [name],
  );
  const r = await fedctl(["destinations", "attempt", name], env);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toMatch(
    /^Attempt failed in [\d,]+ ms: .+\. Retry timings unchanged \(the next retry stays as scheduled\)\.\n$/,
  );
  const after = await pool.query(
    "SELECT retry_last_ts::text, retry_interval::text, failure_ts::text FROM destinations WHERE destination = $1",
    [name],
  );
  expect(after.rows).toEqual(before.rows);
  const audit = await pool.query(
    "SELECT actor, via, detail->>'outcome' AS outcome FROM audit_events WHERE action = 'destination.attempt' AND destination = $1 ORDER BY id DESC LIMIT 1",
    [name],
  );
  expect(audit.rows[0]).toEqual({ actor: "fedctl", via: "cli", outcome: "failure" });
  const json = await fedctl(["destinations", "attempt", fleet.server("page").serverName, "--json"], env);
  expect(json.code, json.stderr).toBe(0);
  expect(JSON.parse(json.stdout).attempt).toMatchObject({ trigger: "manual", outcome: "success" });
});
