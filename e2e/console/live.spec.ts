// Live updates in real Chromium against the shared server (scheduler off): rows redraw in
// place after a reset and after an attempt written by the scheduler's own record function,
// keeping scroll position, focus and an open bulk-reset confirmation; the destination page
// follows its row; no request goes out while nothing changes (no polling).
import type { Page } from "@playwright/test";
import { recordAttempt } from "../../lib/federation/record-attempt";
import { DEFAULT_BACKOFF } from "../../lib/federation/backoff";
import { FED, call, db, expect, test } from "../support/fixtures";
import { HOUR, login, seedConsole } from "./helpers";

const NOW = Date.now();
const name = (i: number) => `live${String(i).padStart(3, "0")}.example.org`;
const TARGET = name(95); // near the bottom of a 100-row page

test.beforeEach(async () => {
  const rows = [];
  for (let i = 0; i < 100; i++) {
    rows.push({
      destination: name(i),
      retry_last_ts: NOW - 1000,
      retry_interval: 86_400_000,
      failure_ts: NOW - HOUR,
      last_attempt_ts: NOW - 1000,
      last_outcome: "failure" as const,
      last_error_kind: "CONNECT_REFUSED",
    });
  }
  await seedConsole(rows);
});

/** What the scheduler does after attempting `d`: the same lib function, on the same database. */
async function scheduledSuccess(d: string) {
  const r = await db().query<{ rlt: string; ri: string; fts: string | null }>(
    "SELECT retry_last_ts::text AS rlt, retry_interval::text AS ri, failure_ts::text AS fts FROM destinations WHERE destination = $1",
    [d],
  );
  const t = r.rows[0];
  await recordAttempt(
    db(),
    {
      destination: d,
      trigger: "schedule",
      timings: {
        retryLastTs: BigInt(t.rlt),
        retryInterval: BigInt(t.ri),
        failureTs: t.fts === null ? null : BigInt(t.fts),
      },
      wakeRequestedAt: null,
    },
    {
      outcome: "success",
      stage: "done",
      reason: null,
      message: null,
      httpStatus: 200,
      resolvedAddress: "127.0.0.1:8448",
      serverSoftware: "Synapse",
      serverVersion: "1.150.0",
      durationMs: 12,
    },
    { nowMs: Date.now(), owner: "e2e-live", backoff: DEFAULT_BACKOFF, historyLimit: 50 },
  );
}

const row = (page: Page, d: string) => page.locator(`tr[data-destination="${d}"]`);

test("list: a row changes live after a reset and after a scheduled attempt; scroll, focus and the open confirmation stay", async ({
  page,
  request,
}) => {
  await login(page, "operator");
  await page.setViewportSize({ width: 1366, height: 700 });
  await page.goto("/destinations?size=100");
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-state", "live");
  await expect(row(page, TARGET)).toContainText("Backing off");
  // Scrolled down, a link focused, the bulk confirmation open.
  await page.evaluate(() => {
    (window as unknown as { marker: number }).marker = 1; // gone if the page reloads
  });
  await page.getByRole("button", { name: "Reset all failing…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button").first().focus();
  await page.mouse.wheel(0, 2500); // the page behind a modal dialog still scrolls
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(500);
  const scrollY = await page.evaluate(() => window.scrollY);
  const focused = await page.evaluate(() => document.activeElement?.outerHTML);

  // A reset from elsewhere (the API): the row shows the attempt it asked for.
  const started = Date.now();
  const r = await call(request, "POST", `${FED}/${TARGET}/reset_connection`, "operator", "{}");
  expect(r.status).toBe(200);
  await expect(row(page, TARGET)).toContainText("Retrying now", { timeout: 2_500 });
  const afterReset = Date.now() - started;

  // The scheduler records an attempt: the row turns healthy, its last attempt "just now".
  await scheduledSuccess(name(90));
  await expect(row(page, name(90))).toContainText("Healthy", { timeout: 2_500 });
  await expect(row(page, name(90)).locator("td").nth(4)).toHaveText("—");

  expect(await page.evaluate(() => window.scrollY)).toBe(scrollY);
  expect(await page.evaluate(() => document.activeElement?.outerHTML)).toBe(focused);
  await expect(dialog).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
  await expect(row(page, name(1))).toContainText("Backing off"); // the others are untouched
  test.info().annotations.push({ type: "reset → row redrawn", description: `${afterReset} ms` });

  // Nothing changes: nothing is fetched (no polling loop). Next.js prefetches the destination
  // pages whose links scrolled into view, when the browser is idle (late on a loaded machine):
  // those are navigation, not polling.
  const requests: string[] = [];
  page.on("request", (q) => {
    if (q.headers()["next-router-prefetch"] === undefined) requests.push(q.url());
  });
  await page.waitForTimeout(2_500);
  expect(requests).toEqual([]);
});

test("destination page: follows its row after a scheduled attempt, without reloading", async ({ page }) => {
  await login(page, "viewer");
  await page.goto(`/destinations/${TARGET}`);
  await expect(page.getByTestId("live-status")).toHaveAttribute("data-state", "live");
  await expect(page.getByTestId("detail-status")).toContainText("Backing off");
  await page.evaluate(() => {
    (window as unknown as { marker: number }).marker = 1;
  });
  await scheduledSuccess(TARGET);
  await expect(page.getByTestId("detail-status")).toContainText("Healthy", { timeout: 3_000 });
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
});

test("the stream needs a console session", async ({ request }) => {
  const r = await request.get("/events/destinations?w=abc", { maxRedirects: 0 });
  expect(r.status()).toBe(401);
});
