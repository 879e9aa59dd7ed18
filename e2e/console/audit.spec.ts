// The audit log page: console and API actions appear, filterable by user and destination.
import { test, expect, call, FED } from "../support/fixtures";
import { login, seedConsole } from "./helpers";

const NOW = Date.now();

test("console and API resets appear with who, via and destination; filters by user and destination", async ({
  page,
  request,
}) => {
  await seedConsole([
    { destination: "a.audit.test", retry_last_ts: NOW - 1, retry_interval: 600_000, failure_ts: NOW - 5 },
    { destination: "b.audit.test", retry_last_ts: NOW - 1, retry_interval: 600_000, failure_ts: NOW - 5 },
  ]);
  expect((await call(request, "POST", `${FED}/b.audit.test/reset_connection`, "admin", "{}")).status).toBe(200);
  await login(page, "operator");
  await page.goto("/destinations/a.audit.test");
  await page.getByRole("button", { name: "Reset connection" }).click();
  await expect(page.getByTestId("detail-status")).toContainText("Retrying now");

  await page.getByRole("link", { name: "Audit log" }).click();
  const rows = page.getByTestId("audit").locator("tbody tr");
  await expect(rows.first()).toContainText("operator@e2e.test");
  await expect(rows.first()).toContainText("console");
  await expect(rows.first()).toContainText("Reset connection");
  await expect(rows.first()).toContainText("a.audit.test");
  await expect(rows.nth(1)).toContainText("admin@e2e.test");
  await expect(rows.nth(1)).toContainText("api");
  await expect(rows.nth(1)).toContainText("b.audit.test");

  await page.getByLabel("User (email, or fedctl)").fill("admin@e2e.test");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/user=admin%40e2e.test/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("b.audit.test");

  await page.goto("/audit?destination=a.audit.test");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("operator@e2e.test");
  await page.goto("/audit?destination=a.audit.test&user=admin%40e2e.test");
  await expect(page.getByText("No audit events match.")).toBeVisible();
});
