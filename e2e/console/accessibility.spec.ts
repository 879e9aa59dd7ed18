// WCAG 2 A/AA (contrast included) on every console page, in the light and the dark colour
// scheme (the console follows the system's; app/globals.css), checked by axe-core in Chromium:
// no serious or critical violation anywhere. axe is injected through the DevTools protocol, which
// the pages' CSP does not govern.
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { test, expect } from "../support/fixtures";
import { HOUR, login, seedConsole, addAttempt } from "./helpers";

const NOW = Date.now();

/**
 * The serious and critical violations on the page as it is: every WCAG 2.1 A/AA rule in the light
 * scheme; in the dark one only contrast, the one rule a colour scheme changes (structure, names
 * and ARIA are the same markup).
 */
async function serious(page: Page, what: string, scheme: "light" | "dark") {
  const axe = new AxeBuilder({ page });
  const r = await (scheme === "light"
    ? axe.withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    : axe.withRules(["color-contrast"])
  ).analyze();
  const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  return bad.map(
    (v) =>
      `${what} (${scheme}): ${v.id} (${v.impact}) ${v.nodes
        .map((n) => n.target.join(" "))
        .slice(0, 3)
        .join(", ")}: ${v.nodes[0]?.failureSummary ?? ""}`,
  );
}

test("every page passes axe (WCAG AA, 0 serious or critical) in the light and the dark scheme", async ({ page }) => {
  test.setTimeout(180_000);
  await seedConsole([
    {
      destination: "ok.a11y.test",
      last_attempt_ts: NOW - HOUR,
      last_outcome: "success",
      last_success_ts: NOW - HOUR,
      rooms: [{ room_id: "!r:a11y.test", stream_ordering: 5 }],
    },
    {
      destination: "fail.a11y.test",
      retry_last_ts: NOW - HOUR,
      retry_interval: 600_000,
      failure_ts: NOW - 9 * 24 * HOUR,
      last_attempt_ts: NOW - HOUR,
      last_outcome: "failure",
      last_error_kind: "CONNECTION_REFUSED",
      last_error_message: "connect ECONNREFUSED 192.0.2.1:8448",
    },
    {
      destination: "blocked.a11y.test",
      retry_last_ts: NOW - HOUR,
      retry_interval: 600_000,
      failure_ts: NOW - HOUR,
      last_error_kind: "IP_BLOCKED",
    },
    { destination: "new.a11y.test" },
  ]);
  await addAttempt({
    destination: "fail.a11y.test",
    started_ts: NOW - HOUR,
    outcome: "failure",
    stage: "connect",
    reason: "CONNECTION_REFUSED",
    message: "connect ECONNREFUSED",
  });
  const found: string[] = [];
  // Each page as it is, in both schemes (the console follows prefers-color-scheme).
  const check = async (what: string) => {
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      found.push(...(await serious(page, what, colorScheme)));
    }
  };
  await page.goto("/login");
  await check("/login");
  await page.goto("/setup");
  await check("/setup");
  await login(page, "admin");
  for (const path of [
    "/destinations",
    "/destinations/fail.a11y.test",
    "/audit",
    "/tokens",
    "/team",
    "/account",
    "/sync",
    "/no-such-page",
  ]) {
    await page.goto(path);
    await check(path);
  }
  // The dialogs, open.
  await page.goto("/destinations");
  await page.getByRole("button", { name: "Add destinations…" }).click();
  await check("add dialog");
  await page.goto("/destinations/fail.a11y.test");
  await page.getByRole("button", { name: "Forget…" }).click();
  await check("forget dialog");
  expect(found).toEqual([]);
});

test("dark scheme: the page background is dark and its text light (screenshot)", async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: "dark" });
  const page = await context.newPage();
  await login(page, "viewer");
  // Whatever form the computed colour takes (oklch, lab, rgb), a canvas turns it into sRGB.
  const [bg, fg] = await page.evaluate(() => {
    const s = getComputedStyle(document.body);
    const ctx = document.createElement("canvas").getContext("2d")!;
    return [s.backgroundColor, s.color].map((c) => {
      ctx.fillStyle = c;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
      return (r + g + b) / 3;
    });
  });
  expect(bg).toBeLessThan(40);
  expect(fg).toBeGreaterThan(220);
  await page.screenshot({ path: test.info().outputPath("destinations-dark.png") });
  await context.close();
});
