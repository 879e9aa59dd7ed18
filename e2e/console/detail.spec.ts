// The destination page: error in plain words, Synapse fields raw and human, remote server,
// attempt history timeline, shared rooms paged like the API; a screenshot.
import { test, expect } from "../support/fixtures";
import { HOUR, addAttempt, login, seedConsole } from "./helpers";

const NOW = Date.now();
const NAME = "broken.example.org:8448";

test.beforeEach(async ({ page }) => {
  await seedConsole([
    {
      destination: NAME,
      retry_last_ts: NOW - 120_000,
      retry_interval: 9_000_000,
      failure_ts: NOW - 26 * HOUR,
      last_successful_stream_ordering: 9007199254740993n,
      last_attempt_ts: NOW - 120_000,
      last_outcome: "failure",
      last_error_kind: "CERT_EXPIRED",
      last_error_message: "certificate has expired",
      resolved_address: "203.0.113.7:8448",
      server_software: "Synapse",
      server_version: "1.120.0",
      rooms: Array.from({ length: 120 }, (_, i) => ({
        room_id: `!room${String(i).padStart(3, "0")}:example.org`,
        stream_ordering: 1000 + i,
      })),
    },
    { destination: "fine.example.org", last_attempt_ts: NOW - 60_000, last_outcome: "success" },
  ]);
  await addAttempt({
    destination: NAME,
    started_ts: NOW - 26 * HOUR,
    outcome: "success",
    stage: "done",
    http_status: 200,
  });
  await addAttempt({
    destination: NAME,
    started_ts: NOW - 25 * HOUR,
    outcome: "failure",
    stage: "connect",
    reason: "CONNECT_REFUSED",
    message: "connect ECONNREFUSED 203.0.113.7:8448",
  });
  await addAttempt({
    destination: NAME,
    started_ts: NOW - 120_000,
    outcome: "failure",
    stage: "tls",
    reason: "CERT_EXPIRED",
    message: "certificate has expired",
    trigger: "schedule",
  });
  await login(page, "viewer");
});

test("error in plain words, fields raw and human, remote server, history (screenshot)", async ({ page }, testInfo) => {
  await page.goto("/destinations");
  await page.getByRole("link", { name: NAME }).click();
  await expect(page).toHaveURL(`/destinations/${encodeURIComponent(NAME)}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(NAME);
  await expect(page.getByTestId("detail-status")).toContainText("Backing off");
  await expect(page.getByTestId("detail-status")).toContainText(
    /retry due .*UTC.*\(in 2 h 2\d min|retry due .*\(in 2 h/,
  );
  await expect(page.getByTestId("latest-error")).toContainText("TLS: certificate has expired");

  const fields = page.getByTestId("synapse-fields");
  await expect(fields).toContainText(`retry_last_ts${NOW - 120_000}`);
  await expect(fields).toContainText("retry_interval9000000 (2 h 30 min)");
  await expect(fields).toContainText(`failure_ts${NOW - 26 * HOUR}`);
  await expect(fields).toContainText("1 d ago");
  await expect(fields).toContainText("last_successful_stream_ordering9007199254740993"); // exact above 2^53
  const remote = page.getByTestId("remote-fields");
  await expect(remote).toContainText("203.0.113.7:8448");
  await expect(remote).toContainText("Synapse 1.120.0");
  await expect(remote).toContainText("120");

  const items = page.getByTestId("attempts").locator("li");
  await expect(items).toHaveCount(3);
  await expect(items.nth(0)).toContainText("Failed");
  await expect(items.nth(0)).toContainText("TLS: certificate has expired");
  await expect(items.nth(1)).toContainText("Connection: connection refused");
  await expect(items.nth(1)).toContainText("connect ECONNREFUSED 203.0.113.7:8448");
  await expect(items.nth(2)).toContainText("Success");
  await expect(items.nth(2)).toContainText("HTTP 200");
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.screenshot({ path: testInfo.outputPath("detail.png"), fullPage: true });
});

test("shared rooms: room_id and stream_ordering, 50 a page, both directions, like the API", async ({ page }) => {
  await page.goto(`/destinations/${encodeURIComponent(NAME)}`);
  const rows = page.getByTestId("rooms").locator("tbody tr");
  await expect(rows).toHaveCount(50);
  await expect(rows.first()).toContainText("!room000:example.org");
  await expect(rows.first()).toContainText("1000");
  await expect(page.getByTestId("rooms-range")).toHaveText("1–50 of 120");
  await page.getByRole("link", { name: "Next ›" }).click();
  await expect(page.getByTestId("rooms-range")).toHaveText("51–100 of 120");
  await expect(rows.first()).toContainText("!room050:example.org");
  await page.getByRole("link", { name: "Next ›" }).click();
  await expect(page.getByTestId("rooms-range")).toHaveText("101–120 of 120");
  await expect(page.getByRole("link", { name: "Next ›" })).toHaveCount(0);
  await page.getByRole("link", { name: /room_id/ }).click();
  await expect(page).toHaveURL(/rooms_dir=b/);
  await expect(rows.first()).toContainText("!room119:example.org");
});

test("a healthy destination: no error, reset not needed; unknown destination → 404 page", async ({ page }) => {
  await page.goto("/destinations/fine.example.org");
  await expect(page.getByTestId("detail-status")).toContainText("Healthy");
  await expect(page.getByTestId("latest-error")).toHaveCount(0);
  await expect(page.getByText("No shared rooms.")).toBeVisible();
  const res = await page.goto("/destinations/unknown.example.org");
  expect(res?.status()).toBe(404);
});
