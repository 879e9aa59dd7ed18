// Operations end to end, on a server of its own with the scheduler on and a history snapshot
// every 500 ms: GET /metrics read by a real Prometheus text parser (families present, the
// destination gauges equal the database, this process's attempt and request counters), and in
// the browser the overview (counts equal the API's totals and link to the right filter; the
// charts draw the simulated history, with numbers by keyboard) and the destination's
// availability strip.
import { test, expect, type Page } from "@playwright/test";
import { createTestDatabase, type TestDatabase } from "../../lib/testing/test-database";
import { parseMetrics, sampleValue } from "../../lib/testing/prometheus";
import { STATUS_KINDS, statusFilterSql } from "../../lib/destinations/destination-status";
import { fedctl, freePort, startSchedulerProcess, startServer, type RunningServer } from "../support/server";
import { waitFor } from "../support/scheduler-env";

const METRICS_TOKEN = "scrape-only-token-e2e-0123456789";
const FED = "/_synapse/admin/v1/federation/destinations";
const DAY = 86_400_000;
const PASSWORD = "viewer-password-1";
let db: TestDatabase;
let server: RunningServer;
let env: Record<string, string>;
let viewerToken: string;
let operatorToken: string;
let refused: string; // 127.0.0.1:<closed port>: an attempt there fails with CONNECT_REFUSED
const t0 = Date.now();

test.describe.configure({ mode: "serial" });

async function seed() {
  const q = (sql: string, args: unknown[] = []) => db.pool.query(sql, args);
  const ins = `INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_attempt_ts, last_outcome,
                 last_error_kind, claimed_until, claimed_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
  // Nothing here is due: backoffs end tomorrow, health checks are off, the claim is someone else's.
  for (let i = 0; i < 4; i++) await q(ins, [`ok${i}.example`, 0, 0, null, t0 - 5000, "success", null, null, null]);
  for (let i = 0; i < 2; i++) await q(ins, [`new${i}.example`, 0, 0, null, null, null, null, null, null]);
  await q(ins, ["busy.example", 0, 0, null, t0 - 5000, "success", null, t0 + DAY, "another-scheduler"]);
  await q(ins, ["reach.example", t0 - 10_000, DAY, t0 - 20_000, t0 - 1000, "success", null, null, null]);
  const failing: [string, string, number][] = [
    ["dns.example", "DNS_NXDOMAIN", 2],
    ["refused.example", "CONNECT_REFUSED", 7],
    ["cert.example", "CERT_EXPIRED", 1],
    ["five.example", "HTTP_5XX", 0],
  ];
  for (const [name, kind, rooms] of failing) {
    await q(ins, [name, t0 - 60_000, DAY, t0 - 120_000, t0 - 60_000, "failure", kind, null, null]);
    for (let r = 0; r < rooms; r++)
      await q("INSERT INTO destination_rooms VALUES ($1, $2, $3)", [name, `!room${r}:example.org`, r]);
  }
  await q(ins, ["[::1]:8448", t0 - 60_000, DAY, t0 - 60_000, t0 - 60_000, "failure", "IP_BLOCKED", null, null]);
  await q(ins, [refused, t0 - 60_000, DAY, t0 - 60_000, t0 - 60_000, "failure", "CONNECT_REFUSED", null, null]);
  // Kept attempts of ok0.example: 3 successes, 1 failure.
  for (const outcome of ["success", "failure", "success", "success"])
    await q(
      "INSERT INTO attempts (destination, started_ts, duration_ms, trigger, outcome, stage, reason) VALUES ('ok0.example', $1, 40, 'schedule', $2, $3, $4)",
      [
        t0 - 100_000,
        outcome,
        outcome === "success" ? "done" : "connect",
        outcome === "success" ? null : "CONNECT_REFUSED",
      ],
    );
  // Simulated history: a point a minute for the last two hours, an hourly one for three days.
  const points = (resolution: string, step: number, from: number, to: number) =>
    q(
      `INSERT INTO ops_points (resolution, ts, span_ms, samples, total, healthy, retrying, never_contacted,
         reachable_backing_off, backing_off, blocked, due_now, attempts_success, attempts_failure, attempts_neutral)
       SELECT $1, ($2::bigint / $3::bigint - k) * $3::bigint, $3, 1, 14, 4 + k % 3, 1, 2, 1, 5, 1, 0, 30 + k % 7, k % 5, 0
       FROM generate_series($4::int, $5::int) AS k`,
      [resolution, t0, step, from, to],
    );
  await points("minute", 60_000, 2, 120);
  await points("hour", 3_600_000, 1, 72);
}

test.beforeAll(async () => {
  test.setTimeout(180_000); // a server start and four fedctl runs on a busy machine
  db = await createTestDatabase();
  refused = `127.0.0.1:${await freePort()}`;
  await seed();
  env = {
    DATABASE_URL: db.url,
    FEDERATION_SCHEDULER: "on",
    FEDERATION_HEALTH_INTERVAL: "0",
    FEDERATION_POLL_INTERVAL: "200",
    FEDERATION_ATTEMPT_TIMEOUT: "2s",
    FEDERATION_IP_RANGE_ALLOWLIST: "127.0.0.0/8",
    FEDCONSOLE_METRICS_SNAPSHOT_INTERVAL: "500",
    FEDCONSOLE_METRICS_TOKEN: METRICS_TOKEN,
  };
  server = await startServer(env);
  await Promise.all([
    fedctl(["users", "add", "viewer@ops.test", "--role", "viewer", "--password", PASSWORD], env),
    fedctl(["users", "add", "operator@ops.test", "--role", "operator", "--password", "operator-password-1"], env),
  ]);
  [viewerToken, operatorToken] = (
    await Promise.all([
      fedctl(["tokens", "create", "viewer@ops.test"], env),
      fedctl(["tokens", "create", "operator@ops.test"], env),
    ])
  ).map((r) => r.stdout.trim());
});

test.afterAll(async () => {
  await server?.stop();
  await db?.close();
});

const get = (path: string, token?: string) =>
  fetch(server.url + path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

/** Waits for a snapshot taken after everything settled (no claim of ours, nothing in flight). */
async function freshSnapshot(): Promise<void> {
  await waitFor("no attempt in flight", async () => {
    const r = await db.pool.query(
      "SELECT count(*)::int AS n FROM destinations WHERE claimed_by IS DISTINCT FROM 'another-scheduler' AND (claimed_until IS NOT NULL OR wake_requested_at IS NOT NULL)",
    );
    return r.rows[0].n === 0;
  });
  const after = Date.now();
  await waitFor("a snapshot after that", async () => {
    const r = await db.pool.query("SELECT max(ts)::text AS ts FROM ops_points WHERE resolution = 'minute'");
    return Number(r.rows[0].ts) > after + 50;
  });
}

const liveCounts = async () => {
  const out: Record<string, number> = {};
  for (const k of [...STATUS_KINDS, "failing"] as const) {
    const r = await db.pool.query(
      `SELECT count(*)::int AS n FROM destinations WHERE $1::bigint > 0 AND ${statusFilterSql(k, "$1")}`,
      [Date.now()],
    );
    out[k] = r.rows[0].n;
  }
  return out;
};

test("GET /metrics: families present, gauges equal the database, counters count this process's work", async () => {
  // One real attempt: reset the closed-port destination; the scheduler's attempt is refused.
  const reset = await fetch(`${server.url}${FED}/${encodeURIComponent(refused)}/reset_connection`, {
    method: "POST",
    headers: { Authorization: `Bearer ${operatorToken}`, "Content-Type": "application/json" },
    body: "{}",
  });
  expect(reset.status).toBe(200);
  await waitFor("the refused attempt", async () => {
    const r = await db.pool.query("SELECT reason FROM attempts WHERE destination = $1", [refused]);
    return r.rows[0]?.reason === "CONNECT_REFUSED";
  });
  await freshSnapshot();

  expect((await get("/metrics")).status).toBe(401);
  expect((await get("/metrics", "not-a-token")).status).toBe(401);
  expect((await get("/metrics", viewerToken)).status).toBe(200);
  const res = await get("/metrics", METRICS_TOKEN);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const fs = parseMetrics(await res.text());
  for (const name of [
    "fedconsole_destinations",
    "fedconsole_destinations_known",
    "fedconsole_destinations_failing",
    "fedconsole_destinations_due",
    "fedconsole_claims_in_flight",
    "fedconsole_claims_held",
    "fedconsole_attempts_total",
    "fedconsole_attempt_duration_seconds",
    "fedconsole_scheduler_tick_duration_seconds",
    "fedconsole_http_requests_total",
    "fedconsole_http_request_duration_seconds",
    "fedconsole_signin_failures_total",
    "fedconsole_login_throttled_total",
    "fedconsole_webhook_deliveries_total",
  ])
    expect(fs.has(name), name).toBe(true);

  const live = await liveCounts();
  for (const k of STATUS_KINDS) expect(sampleValue(fs, "fedconsole_destinations", { status: k }), k).toBe(live[k]);
  const total = (await db.pool.query("SELECT count(*)::int AS n FROM destinations")).rows[0].n;
  expect(sampleValue(fs, "fedconsole_destinations_known")).toBe(total);
  expect(sampleValue(fs, "fedconsole_destinations_failing", { reason: "refused" })).toBe(2);
  expect(sampleValue(fs, "fedconsole_destinations_failing", { reason: "blocked" })).toBe(1);
  expect(sampleValue(fs, "fedconsole_claims_held")).toBe(1); // another scheduler's
  expect(sampleValue(fs, "fedconsole_claims_in_flight")).toBe(0);
  expect(sampleValue(fs, "fedconsole_attempts_total", { outcome: "failure", reason: "CONNECT_REFUSED" })).toBe(1);
  expect(
    sampleValue(fs, "fedconsole_http_requests_total", {
      method: "POST",
      route: `${FED}/{}/reset_connection`,
      status: "200",
    }),
  ).toBe(1);
  expect(sampleValue(fs, "fedconsole_http_requests_total", { route: "/metrics", status: "401" })).toBe(2);
  expect(server.output()).not.toContain(METRICS_TOKEN);

  // The same counts as JSON for scripts.
  const o = await (await get("/_fedconsole/v1/overview", viewerToken)).json();
  expect(o.total).toBe(total);
  for (const k of STATUS_KINDS) expect(o.by_status[k], k).toBe(live[k]);
  expect(o.failing).toBe(live.failing);
  expect(o.failing_by_reason).toMatchObject({ refused: 2, dns: 1, tls: 1, http_5xx: 1, blocked: 1, reachable: 1 });
});

/** Signs in through the form on this spec's own server; lands on `next` (default the overview). */
async function signIn(page: Page, next?: string) {
  await page.goto(`${server.url}/login${next ? `?next=${encodeURIComponent(next)}` : ""}`);
  await page.getByLabel("Email").fill("viewer@ops.test");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${server.url}${next ?? "/overview"}`);
}

test.describe("in the browser", () => {
  test("the overview's counts equal the API's totals and each links to its filter", async ({ page }) => {
    await freshSnapshot();
    await signIn(page);

    const api = await (await get(`${FED}?limit=1`, viewerToken)).json();
    const value = async (id: string) =>
      Number(((await page.getByTestId(`${id}-value`).textContent()) ?? "").replace(/,/g, ""));
    expect(await value("count-all")).toBe(api.total);
    const live = await liveCounts();
    let sum = 0;
    for (const k of STATUS_KINDS) {
      expect(await value(`count-${k}`), k).toBe(live[k]);
      sum += live[k];
    }
    expect(sum).toBe(api.total);
    expect(await value("count-failing")).toBe(live.failing);

    // Every count links to the list's own filter (statusFilterSql, as counted above); two are followed.
    for (const k of [...STATUS_KINDS, "failing"])
      await expect(page.getByTestId(`count-${k}`)).toHaveAttribute("href", `/destinations?status=${k}`);
    for (const k of ["failing", "blocked"]) {
      await page.getByTestId(`count-${k}`).click();
      await expect(page).toHaveURL(`${server.url}/destinations?status=${k}`);
      await expect(page.getByTestId("list-summary")).toContainText(` of ${live[k]}`);
      await page.goBack();
    }

    // Failing by reason, by impact and the certificate panel, from the seeded failures.
    await expect(page.getByTestId("panel-reasons").locator('[data-reason="refused"]')).toContainText("2");
    await expect(page.getByTestId("panel-impact").locator("li").first()).toHaveAttribute(
      "data-destination",
      "refused.example",
    );
    await expect(page.getByTestId("panel-certificates")).toContainText("cert.example");
    // The reset that failed again is not a recovery.
    await expect(page.getByTestId("panel-recovered")).not.toContainText(refused);
  });

  test("the charts draw the history, with numbers on hover and by keyboard", async ({ page }) => {
    await signIn(page);
    const chart = page.getByTestId("chart-status");
    // 119 simulated minute points in 2-minute buckets, and the live ones
    expect(Number(await chart.getAttribute("data-points"))).toBeGreaterThanOrEqual(59);
    await expect(chart.locator("canvas")).toHaveCount(1);
    await expect(page.getByTestId("chart-attempts").locator("canvas")).toHaveCount(1);
    // Hover: the legend shows the values under the cursor.
    const over = chart.locator(".u-over");
    await over.scrollIntoViewIfNeeded();
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.5);
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await expect(chart.locator(".u-legend .u-value").nth(1)).toHaveText(/^\d+/);
    // Keyboard: the chart is a slider over the points; its value text carries the numbers.
    const slider = chart.getByRole("slider");
    await slider.focus();
    await page.keyboard.press("End");
    await page.keyboard.press("ArrowLeft");
    await expect(slider).toHaveAttribute("aria-valuetext", /UTC: Healthy \d+, Retrying now \d+/);
    // Seven days: the hourly points.
    await page.getByRole("link", { name: "7 days" }).click();
    await expect(page).toHaveURL(/range=7d/);
    expect(Number(await page.getByTestId("chart-status").getAttribute("data-points"))).toBeGreaterThanOrEqual(72);
  });

  test("a destination shows its availability strip and success share", async ({ page }) => {
    await signIn(page, "/destinations/ok0.example");
    await expect(page.getByTestId("success-share")).toContainText("75.0 % of the 4 kept attempts succeeded");
    const cells = page.getByTestId("availability").locator("li");
    await expect(cells).toHaveCount(4);
    await expect(cells.nth(1)).toHaveAttribute("data-outcome", "failure");
  });
});

test("a scheduler process serves its own /metrics; the database gauges match the web process's", async () => {
  const port = await freePort();
  const sched = await startSchedulerProcess({ ...env, FEDCONSOLE_SCHEDULER_METRICS_PORT: String(port) });
  try {
    const url = `http://127.0.0.1:${port}/metrics`;
    // (waited for on a path the router never sees, so the counters below start at zero)
    await waitFor("its metrics port", () =>
      fetch(`http://127.0.0.1:${port}/`).then(
        () => true,
        () => false,
      ),
    );
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    expect((await fetch(url)).status).toBe(401);
    const read = async (u: string) =>
      parseMetrics(await (await fetch(u, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text());
    const [theirs, ours] = [await read(url), await read(`${server.url}/metrics`)];
    expect(theirs.has("fedconsole_claims_in_flight")).toBe(true);
    for (const k of STATUS_KINDS)
      expect(sampleValue(theirs, "fedconsole_destinations", { status: k }), k).toBe(
        sampleValue(ours, "fedconsole_destinations", { status: k }),
      );
    // Its own counters: it answered one unauthenticated scrape, the web process did not see it.
    expect(sampleValue(theirs, "fedconsole_http_requests_total", { route: "/metrics", status: "401" })).toBe(1);
  } finally {
    await sched.stop();
  }
});
