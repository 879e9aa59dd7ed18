// Shared helpers for the console's browser tests (not a spec itself).
import { expect, type Page } from "@playwright/test";
import { db, seed, type SeedDestination } from "../support/fixtures";

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

/** What the scheduler would have recorded, beyond Synapse's four columns. */
export type ConsoleSeed = SeedDestination & {
  last_attempt_ts?: number | null;
  last_outcome?: "success" | "failure" | "neutral" | null;
  last_error_kind?: string | null;
  last_error_message?: string | null;
  last_success_ts?: number | null;
  resolved_address?: string | null;
  server_software?: string | null;
  server_version?: string | null;
};

export async function seedConsole(rows: ConsoleSeed[]) {
  await seed(rows);
  await db().query("TRUNCATE audit_events");
  for (const r of rows) {
    await db().query(
      `UPDATE destinations SET last_attempt_ts = $2, last_outcome = $3, last_error_kind = $4, last_error_message = $5, last_success_ts = $6,
         resolved_address = $7, server_software = $8, server_version = $9 WHERE destination = $1`,
      [
        r.destination,
        r.last_attempt_ts ?? null,
        r.last_outcome ?? null,
        r.last_error_kind ?? null,
        r.last_error_message ?? null,
        r.last_success_ts ?? null,
        r.resolved_address ?? null,
        r.server_software ?? null,
        r.server_version ?? null,
      ],
    );
  }
}

export async function addAttempt(a: {
  destination: string;
  started_ts: number;
  outcome: string;
  stage: string;
  reason?: string | null;
  message?: string | null;
  trigger?: string;
  duration_ms?: number;
  http_status?: number | null;
}) {
  await db().query(
    `INSERT INTO attempts (destination, started_ts, duration_ms, trigger, outcome, stage, reason, message, http_status) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
    [
      a.destination,
      a.started_ts,
      a.duration_ms ?? 42,
      a.trigger ?? "schedule",
      a.outcome,
      a.stage,
      a.reason ?? null,
      a.message ?? null,
      a.http_status ?? null,
    ],
  );
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
