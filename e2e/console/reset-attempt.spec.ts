// The reset → attempt → result loop with the real scheduler: a second server with the
// scheduler on, on its own fresh database, against fake homeservers on loopback (real HTTPS
// with a test CA). After an operator's reset the detail page shows the triggered attempt's
// result without a manual reload.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { test, expect } from "../support/fixtures";
import { createTestDatabase, type TestDatabase } from "../../lib/testing/test-database";
import { fedctl, startServer, type RunningServer } from "../support/server";
import { startFakeFleet, type FakeFleet } from "../../lib/federation/testing/fake-fleet";
import { login } from "./helpers";

let fleet: FakeFleet;
let database: TestDatabase;
let server: RunningServer;
let pool: pg.Pool;
let dir: string;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  fleet = await startFakeFleet([
    { name: "good", behaviour: "healthy" },
    { name: "bad", behaviour: "down" },
  ]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-console-sched-"));
  fs.chmodSync(dir, 0o755);
  const caFile = path.join(dir, "fleet-ca.pem");
  fs.writeFileSync(caFile, fleet.caPem);
  database = await createTestDatabase();
  const env = {
    DATABASE_URL: database.url,
    FEDCONSOLE_DATA_DIR: dir,
    FEDERATION_SCHEDULER: "on",
    FEDERATION_IP_RANGE_ALLOWLIST: "127.0.0.0/8,::1/128",
    FEDERATION_CA_FILE: caFile,
    FEDERATION_HEALTH_INTERVAL: "0", // only resets and due retries: nothing else is attempted
  };
  server = await startServer(env);
  expect(
    (
      await fedctl(
        ["users", "add", "operator@sched.test", "--role", "operator", "--password", "operator-password-1"],
        env,
      )
    ).code,
  ).toBe(0);
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const now = Date.now();
  for (const name of ["good", "bad"]) {
    // Backing off, next retry a day away: only a reset makes the scheduler try now.
    await pool.query(
      "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_attempt_ts, last_outcome, last_error_kind) VALUES ($1, $2, 86400000, $3, $2, 'failure', 'CONNECT_REFUSED')",
      [fleet.server(name).serverName, now - 1000, now - 3_600_000],
    );
  }
});

test.afterAll(async () => {
  await pool?.end();
  await server?.stop();
  await database?.close();
  await fleet?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test("operator reset: the page shows the attempt it triggered, in progress → success, without a reload", async ({
  browser,
}) => {
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  await login(page, "operator", { email: "operator@sched.test", password: "operator-password-1" });
  const name = fleet.server("good").serverName;
  await page.goto(`/destinations/${encodeURIComponent(name)}`);
  await expect(page.getByTestId("detail-status")).toContainText("Backing off");
  await page.getByRole("button", { name: "Reset connection" }).click();
  await expect(page.getByTestId("reset-attempt-result")).toHaveText(/^attempt succeeded in \d[\d,]* ms$/, {
    timeout: 20_000,
  });
  await expect(page.getByTestId("detail-status")).toContainText("Healthy");
  await expect(page.getByTestId("remote-fields")).toContainText("FakeSynapse 1.2.3");
  const newest = page.getByTestId("attempts").locator("li").first();
  await expect(newest).toHaveAttribute("data-trigger", "reset");
  await expect(newest).toContainText("Success");
  await expect(page.getByTestId("latest-error")).toHaveCount(0);
  expect(fleet.server("good").requests.count("/_matrix/federation/v1/version")).toBeGreaterThanOrEqual(1);
  await context.close();
});

test("operator reset of a server that is still down: the failed attempt and its reason appear", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  await login(page, "operator", { email: "operator@sched.test", password: "operator-password-1" });
  await page.goto(`/destinations/${encodeURIComponent(fleet.server("bad").serverName)}`);
  await page.getByRole("button", { name: "Reset connection" }).click();
  await expect(page.getByTestId("reset-attempt-result")).toHaveText(
    /^attempt failed in \d[\d,]* ms: Connection: connection refused$/,
    { timeout: 20_000 },
  );
  await expect(page.getByTestId("detail-status")).toContainText("Backing off");
  await expect(page.getByTestId("latest-error")).toContainText("Connection: connection refused");
  await context.close();
});
