// Reset from the console: operators only (checked on the server, also for a forged action
// POST), disabled with a reason when not needed, bulk reset with a stated count; audited.
import { test, expect, db } from "../support/fixtures";
import { HOUR, login, seedConsole, timings } from "./helpers";

const NOW = Date.now();
const FAILING = "down.example.org";

test.beforeEach(async () => {
  await seedConsole([
    {
      destination: FAILING,
      retry_last_ts: NOW - 1000,
      retry_interval: 600_000,
      failure_ts: NOW - HOUR,
      last_attempt_ts: NOW - 1000,
      last_outcome: "failure",
      last_error_kind: "CONNECT_REFUSED",
    },
    {
      destination: "down2.example.org",
      retry_last_ts: NOW - 2000,
      retry_interval: 1_200_000,
      failure_ts: NOW - HOUR,
      last_attempt_ts: NOW - 2000,
      last_outcome: "failure",
      last_error_kind: "HTTP_5XX",
    },
    { destination: "down3.other.net", retry_last_ts: NOW - 2000, retry_interval: 1_200_000, failure_ts: NOW - HOUR },
    { destination: "up.example.org", last_attempt_ts: NOW - 1000, last_outcome: "success" },
  ]);
});

async function resetAudits() {
  return (
    await db().query(
      "SELECT actor, via, action, destination, detail FROM audit_events WHERE action LIKE 'destination.%' ORDER BY id",
    )
  ).rows;
}

test("viewer: no reset control anywhere", async ({ page }) => {
  await login(page, "viewer");
  await page.goto("/destinations");
  await expect(page.locator(`tr[data-destination="${FAILING}"]`)).toContainText("Backing off");
  await expect(page.getByRole("button", { name: /Reset/ })).toHaveCount(0);
  await page.goto(`/destinations/${FAILING}`);
  await expect(page.getByTestId("detail-status")).toContainText("Backing off");
  await expect(page.getByRole("button", { name: /Reset/ })).toHaveCount(0);
});

test("a forged reset action POST from a viewer session is refused on the server", async ({
  page,
  browser,
  baseURL,
}) => {
  // Record what the browser sends when an operator resets...
  await login(page, "operator");
  await page.goto(`/destinations/${FAILING}`);
  const [req] = await Promise.all([
    page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]),
    page.getByRole("button", { name: "Reset connection" }).click(),
  ]);
  await expect(page.getByTestId("detail-status")).toContainText("Retrying now");
  const headers = req.headers();
  const body = req.postDataBuffer()!;
  // ...make the destination fail again, then replay the exact request with a viewer's session.
  await seedConsole([
    { destination: FAILING, retry_last_ts: NOW - 1000, retry_interval: 600_000, failure_ts: NOW - HOUR },
  ]);
  const viewer = await browser.newContext({ baseURL });
  const vpage = await viewer.newPage();
  await login(vpage, "viewer");
  const res = await vpage.request.fetch(req.url(), {
    method: "POST",
    headers: {
      "next-action": headers["next-action"],
      "content-type": headers["content-type"],
      accept: "text/x-component",
      origin: baseURL!,
      "next-router-state-tree": headers["next-router-state-tree"] ?? "",
    },
    data: body,
  });
  const text = await res.text();
  expect(text).toContain(
    "You are not allowed to reset connections: it needs the operator role, and viewer@e2e.test is viewer.",
  );
  expect(await timings(FAILING)).toEqual({
    rlt: String(NOW - 1000),
    ri: "600000",
    fts: String(NOW - HOUR),
    wake: null,
  });
  expect(await resetAudits()).toEqual([]);
  // Without any session the same POST is refused too.
  const anon = await fetch(req.url(), {
    method: "POST",
    headers: {
      "next-action": headers["next-action"],
      "content-type": headers["content-type"],
      accept: "text/x-component",
      origin: baseURL!,
    },
    body: new Uint8Array(body),
  });
  expect(await anon.text()).toContain("Your session has ended. Sign in again.");
  expect((await timings(FAILING)).rlt).toBe(String(NOW - 1000));
  await viewer.close();
});

test("operator: reset on the detail page clears the backoff, shows the attempt in progress, audited as console", async ({
  page,
}) => {
  await login(page, "operator");
  await page.goto(`/destinations/${FAILING}`);
  await page.getByRole("button", { name: "Reset connection" }).click();
  await expect(page.getByTestId("detail-status")).toContainText("Retrying now");
  await expect(page.getByTestId("latest-reset")).toContainText("Reset by operator@e2e.test (console)");
  await expect(page.getByTestId("reset-attempt-result")).toHaveText("attempt in progress…");
  const t = await timings(FAILING);
  expect([t.rlt, t.ri, t.fts]).toEqual(["0", "0", null]);
  expect(t.wake).not.toBeNull();
  // Nothing left to reset: the button is disabled and says why.
  await expect(page.getByRole("button", { name: "Reset connection" })).toBeDisabled();
  await expect(page.getByTestId("reset-disabled-reason")).toHaveText(
    "A reset was requested; the attempt has not finished yet.",
  );
  expect(await resetAudits()).toEqual([
    {
      actor: "operator@e2e.test",
      via: "console",
      action: "destination.reset",
      destination: FAILING,
      detail: { retry_last_ts: String(NOW - 1000), retry_interval: "600000", failure_ts: String(NOW - HOUR) },
    },
  ]);
});

test("reset not needed: disabled with the reason on a healthy destination", async ({ page }) => {
  await login(page, "admin");
  await page.goto("/destinations/up.example.org");
  await expect(page.getByRole("button", { name: "Reset connection" })).toBeDisabled();
  await expect(page.getByTestId("reset-disabled-reason")).toHaveText(
    "Not backing off: there is no retry timing to reset.",
  );
  // In the list only failing rows carry a reset button.
  await page.goto("/destinations");
  await expect(page.locator('tr[data-destination="up.example.org"]').getByRole("button")).toHaveCount(0);
  await expect(page.getByRole("button", { name: `Reset ${FAILING}` })).toBeEnabled();
});

test("operator: per-row reset in the list", async ({ page }) => {
  await login(page, "operator");
  await page.goto("/destinations?status=failing");
  await page.getByRole("button", { name: "Reset down2.example.org" }).click();
  await expect(page.locator('tr[data-destination="down2.example.org"]')).toHaveCount(0); // no longer failing
  expect((await timings("down2.example.org")).rlt).toBe("0");
  await page.goto("/destinations?status=retrying");
  await expect(page.locator('tr[data-destination="down2.example.org"]')).toContainText("Retrying now");
});

test("bulk reset: confirmation states how many, resets only the failing ones matching, one audit event with the count", async ({
  page,
}) => {
  await login(page, "operator");
  await page.goto("/destinations?q=example.org");
  await page.getByRole("button", { name: "Reset all failing…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId("bulk-count")).toHaveText(
    "This resets 2 failing destinations matching “example.org”: their backoff is cleared and each is attempted now.",
  );
  // Cancel changes nothing.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  expect((await timings(FAILING)).rlt).toBe(String(NOW - 1000));
  await page.getByRole("button", { name: "Reset all failing…" }).click();
  await dialog.getByRole("button", { name: "Reset 2" }).click();
  await expect(page.getByText("Reset 2 failing destinations; attempting them now.")).toBeVisible();
  expect((await timings(FAILING)).rlt).toBe("0");
  expect((await timings("down2.example.org")).rlt).toBe("0");
  expect((await timings("down3.other.net")).rlt).toBe(String(NOW - 2000)); // not matching the search
  expect(await resetAudits()).toEqual([
    {
      actor: "operator@e2e.test",
      via: "console",
      action: "destination.bulk_reset",
      destination: null,
      detail: { count: 2, search: "example.org", status: null },
    },
  ]);
  // Nothing left: the dialog says so and offers no reset.
  await page.getByRole("button", { name: "Reset all failing…" }).click();
  await expect(page.getByTestId("bulk-count")).toHaveText(
    "No failing destination matches “example.org”. Nothing to reset.",
  );
  await expect(dialog.getByRole("button", { name: /^Reset \d/ })).toHaveCount(0);
});
