// The destinations list: columns and honest statuses, sorting both ways, search, status filter,
// paging with totals, URL state surviving a reload; a screenshot of the list.
import { test, expect } from "../support/fixtures";
import { HOUR, login, listedNames, seedConsole, type ConsoleSeed } from "./helpers";

const NOW = Date.now();

function fleet(): ConsoleSeed[] {
  const rows: ConsoleSeed[] = [];
  for (let i = 0; i < 60; i++) {
    const name = `srv${String(i).padStart(2, "0")}.example.org`;
    if (i % 4 === 0) {
      // backing off, interval growing with i
      rows.push({
        destination: name,
        retry_last_ts: NOW - i * 60_000,
        retry_interval: 600_000 * (i + 1),
        failure_ts: NOW - (i + 1) * HOUR,
        last_successful_stream_ordering: i,
        last_attempt_ts: NOW - i * 60_000,
        last_outcome: "failure",
        last_error_kind: "CONNECT_REFUSED",
        rooms: [{ room_id: "!a:x", stream_ordering: 1 }],
      });
    } else if (i % 4 === 1) {
      rows.push({
        destination: name,
        last_successful_stream_ordering: 1000 + i,
        last_attempt_ts: NOW - 5 * 60_000,
        last_outcome: "success",
        last_success_ts: NOW - 5 * 60_000,
        rooms: Array.from({ length: i % 7 }, (_, k) => ({ room_id: `!r${k}:x`, stream_ordering: k })),
      });
    } else if (i % 4 === 2) {
      rows.push({ destination: name }); // never contacted, null stream ordering
    } else {
      rows.push({
        destination: name,
        last_successful_stream_ordering: null,
        last_attempt_ts: NOW - HOUR,
        last_outcome: "success",
      }); // healthy, never sent events
    }
  }
  rows.push({
    destination: "10.1.2.3:8448",
    retry_last_ts: NOW - 1000,
    retry_interval: 3_600_000,
    failure_ts: NOW - 2 * HOUR,
    last_attempt_ts: NOW - 1000,
    last_outcome: "failure",
    last_error_kind: "IP_BLOCKED",
    last_error_message: "10.1.2.3 is in a blocked range",
  });
  rows.push({
    destination: "matrix.example.com",
    retry_last_ts: NOW - 60_000,
    retry_interval: 720_000,
    failure_ts: NOW - 3 * HOUR,
    last_successful_stream_ordering: 1910209,
    last_attempt_ts: NOW - 60_000,
    last_outcome: "failure",
    last_error_kind: "CERT_EXPIRED",
    rooms: [
      { room_id: "!x:y", stream_ordering: 5 },
      { room_id: "!z:y", stream_ordering: 6 },
    ],
  });
  return rows;
}

let browserErrors: string[] = [];
test.beforeEach(async ({ page }) => {
  browserErrors = [];
  // Resource failures are reported by URL (below); the console line for them carries none.
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) browserErrors.push(m.text());
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) browserErrors.push(`${r.status()} ${r.url()}`);
  });
  page.on("pageerror", (e) => browserErrors.push(e.message));
  await seedConsole(fleet());
  await login(page, "viewer");
});

test.afterEach(() => {
  // No hydration mismatches or script errors (relative times render on server and client).
  expect(browserErrors).toEqual([]);
});

test("columns: honest status names, next retry absolute and relative, interval in human units with raw ms (screenshot)", async ({
  page,
}, testInfo) => {
  await page.goto("/destinations?q=matrix");
  const row = page.locator('tr[data-destination="matrix.example.com"]');
  await expect(row).toBeVisible();
  await expect(row.getByText("Backing off")).toBeVisible();
  await expect(row).toContainText("12 min"); // retry interval 720000 ms
  // The exact milliseconds are the interval's tooltip once hydrated.
  await expect(row.locator("td").nth(5)).toHaveText("12 min");
  await expect(row.locator("td").nth(5)).toHaveAttribute("title", "720000 ms");
  await expect(row).toContainText(/in 1[01] min/); // next retry = last + 12 min
  await expect(row).toContainText("UTC");
  await expect(row).toContainText("1,910,209");
  await expect(row).toContainText("3 h ago"); // failing since
  await expect(row.locator("td").nth(7)).toHaveText("2");

  await page.goto("/destinations?size=100");
  await expect(page.locator('tr[data-destination="10.1.2.3:8448"]')).toContainText("Blocked");
  await expect(page.locator('tr[data-destination="srv02.example.org"]')).toContainText("Never contacted");
  // Healthy although it has never sent events (null stream ordering is not "never worked").
  await expect(page.locator('tr[data-destination="srv03.example.org"]')).toContainText("Healthy");
  await expect(page.locator('tr[data-destination="srv01.example.org"]')).toContainText("Healthy");
  await expect(page.getByTestId("list-summary")).toHaveText("1–62 of 62");
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.screenshot({ path: testInfo.outputPath("list.png"), fullPage: true });
});

test("before any script runs, the HTML already shows what a row shows", async ({ page }) => {
  const html = await (await page.request.get("/destinations?q=matrix")).text();
  const row = html.match(/<tr data-destination="matrix\.example\.com">.*?<\/tr>/)?.[0] ?? "";
  expect(row).toContain("Backing off");
  // A name breaks only at its <wbr>s; the next retry is its absolute time with the relative after it.
  expect(row).toContain(">matrix.<wbr/>example.<wbr/>com</a>");
  expect(row).toMatch(/<span>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<\/span> \(in 1[01] min\)</);
  expect(row).toContain("<td>12 min</td>");
  expect(row).toContain("3 h ago");
  expect(row).toContain("1,910,209");
});

test("sort by any column both ways via the headers, state in the URL, survives reload", async ({ page }) => {
  await page.goto("/destinations?size=100");
  await page.getByRole("link", { name: /^Retry interval/ }).click();
  await expect(page).toHaveURL(/sort=retry_interval/);
  await expect(page).not.toHaveURL(/dir=/);
  let names = await listedNames(page);
  // ascending: the 0 intervals first (ties by name), the longest last
  expect(names.at(-1)).toBe("srv56.example.org");
  expect(names[0]).toBe("srv01.example.org");
  await page.getByRole("link", { name: /^Retry interval/ }).click();
  await expect(page).toHaveURL(/sort=retry_interval&dir=desc/);
  names = await listedNames(page);
  expect(names.slice(0, 3)).toEqual(["srv56.example.org", "srv52.example.org", "srv48.example.org"]);
  await expect(page.getByRole("columnheader", { name: /Retry interval/ })).toHaveAttribute("aria-sort", "descending");
  await page.reload();
  expect((await listedNames(page)).slice(0, 3)).toEqual([
    "srv56.example.org",
    "srv52.example.org",
    "srv48.example.org",
  ]);

  // Every column sorts both ways without error, and the order is the reverse where keys are distinct.
  for (const [label, sort] of [
    ["Destination", "destination"],
    ["Status", "status"],
    ["Failing since", "failure_ts"],
    ["Last attempt", "last_attempt"],
    ["Next retry", "next_retry"],
    ["Last successful stream ordering", "last_successful_stream_ordering"],
    ["Shared rooms", "rooms"],
  ] as const) {
    await page.goto(`/destinations?size=100&sort=${sort}`);
    const asc = await listedNames(page);
    await page.goto(`/destinations?size=100&sort=${sort}&dir=desc`);
    const desc = await listedNames(page);
    expect(asc.length, label).toBe(62);
    expect(new Set(desc), label).toEqual(new Set(asc));
  }
  await page.goto("/destinations?size=100&sort=status&dir=desc");
  expect((await listedNames(page))[0]).toBe("10.1.2.3:8448"); // blocked first
  await page.goto("/destinations?size=100&sort=failure_ts&dir=desc");
  expect((await listedNames(page)).slice(0, 2)).toEqual(["srv00.example.org", "10.1.2.3:8448"]); // most recent failures first, NULLs last
  await page.goto("/destinations?size=100&sort=destination&dir=desc");
  expect((await listedNames(page))[0]).toBe("srv59.example.org");
});

test("search (substring, case-insensitive, like the API) and status filter, with totals", async ({ page }) => {
  await page.goto("/destinations");
  await page.getByLabel("Search server names").fill("SRV1");
  await page.getByLabel("Search server names").press("Enter");
  await expect(page).toHaveURL(/q=SRV1/);
  expect(await listedNames(page)).toEqual(Array.from({ length: 10 }, (_, i) => `srv1${i}.example.org`));
  await expect(page.getByTestId("list-summary")).toHaveText("1–10 of 10");

  await page.getByRole("link", { name: "Failing", exact: true }).click();
  await expect(page).toHaveURL(/q=SRV1&status=failing/);
  expect(await listedNames(page)).toEqual(["srv12.example.org", "srv16.example.org"]);
  await page.reload();
  expect(await listedNames(page)).toEqual(["srv12.example.org", "srv16.example.org"]);
  await expect(page.getByLabel("Search server names")).toHaveValue("SRV1");

  await page.goto("/destinations?status=blocked");
  expect(await listedNames(page)).toEqual(["10.1.2.3:8448"]);
  await page.goto("/destinations?status=never_contacted&size=100");
  expect((await listedNames(page)).length).toBe(15);
  await page.goto("/destinations?status=failing&size=100");
  expect((await listedNames(page)).length).toBe(17);
  await page.goto("/destinations?q=nothing-like-this");
  await expect(page.getByTestId("list-summary")).toHaveText("No destinations match.");
});

test("paging: page size, next/previous, total, last page; bookmarkable", async ({ page }) => {
  await page.goto("/destinations");
  await page.getByLabel("Per page").selectOption("25");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/size=25/);
  await expect(page.getByTestId("list-summary")).toHaveText("1–25 of 62");
  await expect(page.getByTestId("page-of")).toHaveText("Page 1 of 3");
  const first = await listedNames(page);
  await page.getByRole("link", { name: "Next ›" }).click();
  await expect(page).toHaveURL(/size=25&page=2|page=2&size=25|size=25.*page=2/);
  await expect(page.getByTestId("list-summary")).toHaveText("26–50 of 62");
  const second = await listedNames(page);
  expect(second.length).toBe(25);
  expect(second.filter((n) => first.includes(n))).toEqual([]);
  await page.getByRole("link", { name: "Last »" }).click();
  await expect(page.getByTestId("list-summary")).toHaveText("51–62 of 62");
  const url = page.url();
  await page.reload();
  await expect(page.getByTestId("list-summary")).toHaveText("51–62 of 62");
  // A shared link opens the same view in a fresh tab.
  const other = await page.context().newPage();
  await other.goto(url);
  await expect(other.getByTestId("list-summary")).toHaveText("51–62 of 62");
  await page.getByRole("link", { name: "‹ Previous" }).click();
  await expect(page.getByTestId("list-summary")).toHaveText("26–50 of 62");
});

test("phone width: the list stays usable (no page-wide horizontal scroll, table scrolls in its box)", async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/destinations");
  await expect(page.getByLabel("Search server names")).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(1);
  await expect(page.getByRole("link", { name: "Next ›" })).toBeVisible();
});
