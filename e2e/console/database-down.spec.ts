// The console during a database outage: a server of its own reaches PostgreSQL through a TCP
// proxy that the test cuts. Pages show a clear "database not reachable" page, an action says
// nothing was changed (and nothing is), the API answers 503, and everything comes back by
// itself once the database answers again — the open page included, without a reload.
import { test, expect } from "@playwright/test";
import { createTestDatabase, type TestDatabase } from "../../lib/testing/test-database";
import { startServer, type RunningServer } from "../support/server";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy";

let db: TestDatabase | undefined;
let proxy: TcpProxy | undefined;
let server: RunningServer | undefined;

test.afterAll(async () => {
  proxy?.restore();
  await server?.stop();
  await proxy?.close();
  await db?.close();
});

const NOW = Date.now();
const FAILING = "down.example.org";

test("database outage: clear error page and action message, API 503, recovery without reload", async ({ browser }) => {
  test.setTimeout(180_000);
  db = await createTestDatabase();
  await db.pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts) VALUES ($1, $2, 600000, $2), ('up.example.org', 0, 0, NULL)",
    [FAILING, NOW - 1000],
  );
  const target = new URL(db.url);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  const viaProxy = new URL(db.url);
  viaProxy.port = String(proxy.port);
  server = await startServer({
    DATABASE_URL: viaProxy.toString(),
    FEDERATION_SCHEDULER: "off",
    ADMIN_EMAIL: "ops@example.org",
    ADMIN_PASSWORD: "ops-password-1",
    DATABASE_CONNECT_TIMEOUT: "2s",
  });
  const base = server.url;
  const page = await (await browser.newContext({ baseURL: base })).newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill("ops@example.org");
  await page.getByLabel("Password").fill("ops-password-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("whoami")).toContainText("ops@example.org");
  await page.goto(`/destinations/${encodeURIComponent(FAILING)}`);
  await expect(page.getByRole("button", { name: "Reset connection" })).toBeEnabled();

  proxy.cut();
  const cutAt = Date.now();

  // An action while the database is away: a clear message, and (checked below) no change.
  await page.getByRole("button", { name: "Reset connection" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "database" })).toHaveText(
    "The database is not reachable right now, so nothing was changed. Try again in a moment.",
  );

  // A page: the database-down page, not a generic crash.
  await page.goto("/destinations");
  const down = page.getByTestId("database-down");
  await expect(down).toBeVisible();
  await expect(down.getByRole("heading")).toHaveText("The database is not reachable");
  await expect(down).toContainText("comes back by itself");

  // The login page needs the database too: same page for someone not signed in.
  const guest = await (await browser.newContext({ baseURL: base })).newPage();
  await guest.goto("/login");
  await expect(guest.getByTestId("database-down")).toBeVisible();

  // The API: 503 with a Matrix error body, within the connect timeout.
  const t = Date.now();
  const api = await fetch(`${base}/_synapse/admin/v1/federation/destinations`, {
    headers: { Authorization: "Bearer fct_whatever" },
  });
  expect(api.status).toBe(503);
  expect(await api.json()).toMatchObject({ errcode: "M_UNKNOWN" });
  expect(Date.now() - t).toBeLessThan(5_000);
  const health = await fetch(`${base}/health`);
  expect(health.status).toBe(503);

  // The database comes back: the open pages recover by themselves (no reload, no restart).
  proxy.restore();
  await expect(page.getByTestId("whoami")).toContainText("ops@example.org", { timeout: 15_000 });
  await expect(page.getByRole("link", { name: FAILING })).toBeVisible();
  await expect(guest.getByRole("button", { name: "Sign in" })).toBeVisible({ timeout: 15_000 });
  test.info().annotations.push({ type: "outage", description: `recovered ${Date.now() - cutAt} ms after the cut` });

  // The failed action changed nothing: still backing off, no audit event.
  const row = (
    await db.pool.query("SELECT retry_last_ts::text, wake_requested_at FROM destinations WHERE destination = $1", [
      FAILING,
    ])
  ).rows[0];
  expect(row).toEqual({ retry_last_ts: String(NOW - 1000), wake_requested_at: null });
  expect(
    (await db.pool.query("SELECT count(*)::int AS n FROM audit_events WHERE action = 'destination.reset'")).rows[0].n,
  ).toBe(0);

  // And works again: the same reset now goes through.
  await page.goto(`/destinations/${encodeURIComponent(FAILING)}`);
  await page.getByRole("button", { name: "Reset connection" }).click();
  await expect(page.getByTestId("latest-reset")).toContainText("Reset by ops@example.org (console)");
});
