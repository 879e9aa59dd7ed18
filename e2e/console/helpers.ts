// Shared helpers for the console's browser tests (not a spec itself).
import { expect, type Page } from "@playwright/test";
// Seeding what the scheduler records lives beside seed() (the API specs use it too).
import { db } from "../support/fixtures";

export { addAttempt, seedConsole, type ConsoleSeed } from "../support/fixtures";

export type Role = "admin" | "operator" | "viewer";
export const EMAIL: Record<Role, string> = {
  admin: "admin@e2e.test",
  operator: "operator@e2e.test",
  viewer: "viewer@e2e.test",
};
export const PASSWORD: Record<Role, string> = {
  admin: "admin-password-1",
  operator: "operator-password-1",
  viewer: "viewer-password-1",
};

/** Signs in through the login form and waits for the destinations list. */
export async function login(page: Page, role: Role, opts: { email?: string; password?: string; next?: string } = {}) {
  await page.goto(opts.next ? `/login?next=${encodeURIComponent(opts.next)}` : "/login");
  await page.getByLabel("Email").fill(opts.email ?? EMAIL[role]);
  await page.getByLabel("Password").fill(opts.password ?? PASSWORD[role]);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("whoami")).toContainText(opts.email ?? EMAIL[role]);
}

export async function timings(destination: string) {
  const r = await db().query(
    "SELECT retry_last_ts::text AS rlt, retry_interval::text AS ri, failure_ts::text AS fts, wake_requested_at::text AS wake FROM destinations WHERE destination = $1",
    [destination],
  );
  return r.rows[0] as { rlt: string; ri: string; fts: string | null; wake: string | null };
}

/** Destination names in the order the list shows them. */
export async function listedNames(page: Page): Promise<string[]> {
  return page
    .locator("table[data-testid=destinations] tbody tr")
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-destination") ?? ""));
}

export const HOUR = 3_600_000;
