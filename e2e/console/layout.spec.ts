// The list's layout: at 1366 px it fits without scrolling sideways, and a server name wraps only
// between its labels — never "bulk000.example.ne" / "t" (README "Looks and layout").
import type { Page } from "@playwright/test";
import { test, expect } from "../support/fixtures";
import { HOUR, login, seedConsole } from "./helpers";

const NOW = Date.now();
const LONG = [
  "bulk000.example.net",
  "a-very-long-label-that-federates-0123456789.matrix-homeserver.example.org:8448",
  "[2001:db8:85a3::8a2e:370:7334]:8448",
  "short.test",
  "x".repeat(40) + ".y".repeat(20) + ".example",
];

/** Each destination link's text, line by line as rendered. */
function renderedLines(page: Page): Promise<string[][]> {
  return page.locator("table[data-testid=destinations] tbody tr td:first-child a").evaluateAll((links) =>
    links.map((a) => {
      const lines: { top: number; text: string }[] = [];
      const walker = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent ?? "";
        for (let i = 0; i < text.length; i++) {
          const r = document.createRange();
          r.setStart(n, i);
          r.setEnd(n, i + 1);
          const top = Math.round(r.getBoundingClientRect().top);
          const last = lines[lines.length - 1];
          if (last && Math.abs(last.top - top) < 4) last.text += text[i];
          else lines.push({ top, text: text[i] });
        }
      }
      return lines.map((l) => l.text);
    }),
  );
}

/** Every line but the last ends a label (after its dot), or the next one starts the port. */
function expectBreaksBetweenLabels(lines: string[]) {
  for (let i = 0; i + 1 < lines.length; i++)
    expect(lines[i].endsWith(".") || lines[i + 1].startsWith(":"), lines.join(" / ")).toBe(true);
}

async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => {
    const box = document.querySelector("table[data-testid=destinations]")?.parentElement;
    return {
      page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      table: box ? box.scrollWidth - box.clientWidth : -1,
    };
  });
  expect(overflow.page).toBeLessThanOrEqual(1);
  expect(overflow.table).toBeLessThanOrEqual(1);
}

test("at 1366 px the list fits without sideways scrolling and names break only between labels", async ({ page }) => {
  await seedConsole(
    LONG.map((destination, i) => ({
      destination,
      retry_last_ts: i % 2 ? NOW - HOUR : 0,
      retry_interval: i % 2 ? 86_400_000 : 0,
      failure_ts: i % 2 ? NOW - 3 * HOUR : null,
      last_successful_stream_ordering: 9_007_199_254_740_993n,
      last_attempt_ts: NOW - HOUR,
      last_outcome: i % 2 ? "failure" : "success",
      rooms: [{ room_id: "!r:x", stream_ordering: 1 }],
    })),
  );
  await page.setViewportSize({ width: 1366, height: 768 });
  await login(page, "operator", { next: "/destinations" });
  await expect(page.locator("table[data-testid=destinations] tbody tr")).toHaveCount(LONG.length);
  await expectNoSidewaysScroll(page);
  const names = await renderedLines(page);
  expect(names.map((lines) => lines.join(""))).toEqual([...LONG].sort());
  for (const lines of names) expectBreaksBetweenLabels(lines);
  // Short names do not wrap at all while the columns have room.
  const short = names.find((l) => l.join("") === "bulk000.example.net");
  expect(short).toEqual(["bulk000.example.net"]);
  // Every column is there at this width.
  await expect(page.getByRole("columnheader", { name: /Last successful stream ordering/ })).toBeVisible();
});

test("at phone width the less telling columns give way and the names still break only between labels", async ({
  page,
}) => {
  await seedConsole(LONG.map((destination) => ({ destination, last_attempt_ts: NOW, last_outcome: "success" })));
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, "viewer", { next: "/destinations" });
  await expect(page.getByRole("columnheader", { name: /Retry interval/ })).toBeHidden();
  await expect(page.getByRole("columnheader", { name: /Status/ })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: /Next retry/ })).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(1);
  for (const lines of await renderedLines(page)) expectBreaksBetweenLabels(lines);
});
