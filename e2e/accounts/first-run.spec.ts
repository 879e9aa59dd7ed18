// First-run setup (README "First start"): on an empty database the server prints a one-time
// setup code; /setup creates the first admin — from elsewhere only with that code, from the
// server's own machine without one — and works once: afterwards it only says so, and a form
// opened before is refused.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test, expect } from "@playwright/test";
import { startServer, type RunningServer } from "../support/server";
import { createTestDatabase, type TestDatabase } from "../../lib/testing/test-database";

let server: RunningServer;
let database: TestDatabase;
let dataDir: string;

test.beforeAll(async () => {
  database = await createTestDatabase({ serverUrl: process.env.E2E_PG_SERVER_URL ?? "", probeLocal: false });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-first-run-"));
  server = await startServer({ DATABASE_URL: database.url, FEDCONSOLE_DATA_DIR: dataDir, FEDERATION_SCHEDULER: "off" });
});

test.afterAll(async () => {
  await server?.stop();
  await database?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("first-run setup: needs the printed code from elsewhere, creates one admin, and never works again", async ({
  browser,
}) => {
  const code = /one-time setup code ([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})/.exec(server.output())?.[1];
  expect(code, server.output()).toBeTruthy();
  expect(server.output()).toContain(`${server.url}/setup`);

  // "Elsewhere": a request that came through a proxy (here, one that says so) is not local.
  const remote = await browser.newContext({ baseURL: server.url, extraHTTPHeaders: { Via: "1.1 proxy.example" } });
  const local = await browser.newContext({ baseURL: server.url });
  const page = await remote.newPage();
  const early = await local.newPage();
  try {
    await page.goto("/login");
    await page.getByRole("link", { name: "Create the first admin in the browser" }).click();
    await expect(page.getByText("Enter the setup code the server printed")).toBeVisible();
    await early.goto("/setup"); // opened before the setup is done, submitted after
    await expect(early.getByText("You are on the server's own machine, so no setup code is needed.")).toBeVisible();

    const fill = async (p: typeof page, email: string, setupCode: string) => {
      await p.getByLabel("Email").fill(email);
      await p.getByLabel(/^Password \(at least/).fill("first-admin-password");
      await p.getByLabel("Password again").fill("first-admin-password");
      await p.getByLabel(/^Setup code/).fill(setupCode);
      await p.getByRole("button", { name: "Create admin and sign in" }).click();
    };
    await fill(page, "first@example.org", "AAAA-BBBB-CCCC-DDDD");
    await expect(page.getByRole("main").getByRole("alert")).toContainText("That setup code is not valid.");
    await fill(page, "first@example.org", code!);
    await expect(page.getByTestId("whoami")).toContainText("first@example.org");
    await expect(page.getByTestId("whoami")).toContainText("admin");

    // Never again: the form opened earlier is refused, and the page now only says so.
    await fill(early, "second@example.org", "");
    await expect(early.getByRole("main").getByRole("alert")).toContainText("The console is set up already");
    await early.goto("/setup");
    await expect(early.getByTestId("setup-done")).toContainText("The console is set up already.");
    await expect(early.getByLabel("Email")).toHaveCount(0);
    const users = await database.pool.query("SELECT email, role FROM users");
    expect(users.rows).toEqual([{ email: "first@example.org", role: "admin" }]);
    const audit = await database.pool.query("SELECT action, actor, detail FROM audit_events");
    expect(audit.rows).toEqual([
      {
        action: "user.first_admin",
        actor: "first@example.org",
        detail: { email: "first@example.org", allowedBy: "setup_code" },
      },
    ]);
  } finally {
    await remote.close();
    await local.close();
  }
});
