// The first-run hint: on the embedded database of a fresh folder, with no users, the login page
// and the server's log say how to create the first admin; once one exists the hint is gone and
// that admin signs in. A server of its own (own-servers project).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test, expect } from "@playwright/test";
import { fedctl, startServer } from "../support/server";

test("first run: with no users the login page says how to create the first admin", async ({ page }) => {
  test.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-console-first-"));
  fs.chmodSync(dataDir, 0o755);
  const server = await startServer({ DATABASE_URL: "", FEDCONSOLE_DATA_DIR: dataDir, FEDERATION_SCHEDULER: "off" });
  try {
    await page.goto(server.url + "/login");
    await expect(page.getByRole("heading", { name: "No accounts yet" })).toBeVisible();
    await expect(page.getByText("npm run --silent fedctl -- users add you@example.org --role admin")).toBeVisible();
    await expect(page.getByText("ADMIN_EMAIL")).toBeVisible();
    // The server log says the same.
    expect(server.output()).toContain("No users yet. Create the first admin");
    // Once an admin exists, the hint is gone and that admin can sign in.
    expect(
      (
        await fedctl(["users", "add", "first@example.org", "--role", "admin", "--password", "first-admin-pw"], {
          DATABASE_URL: "",
          FEDCONSOLE_DATA_DIR: dataDir,
        })
      ).code,
    ).toBe(0);
    await page.goto(server.url + "/login");
    await expect(page.getByRole("heading", { name: "No accounts yet" })).toHaveCount(0);
    await page.getByLabel("Email").fill("first@example.org");
    await page.getByLabel("Password").fill("first-admin-pw");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("whoami")).toContainText("first@example.org");
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
