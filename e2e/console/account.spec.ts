// Accounts (README "Accounts and sessions"): a member changes their own password and every other
// session of theirs ends at once while this one stays; "sign out everywhere" ends all of them;
// an admin setting a member's password ends the member's sessions.
import type { Browser, Page } from "@playwright/test";
import { test, expect, testEnv } from "../support/fixtures";
import { fedctl } from "../support/server";
import { login } from "./helpers";

async function newMember(role: "viewer" | "operator", password: string): Promise<string> {
  const email = `member-${Date.now()}-${Math.floor(Math.random() * 1e6)}@e2e.test`;
  const r = await fedctl(["users", "add", email, "--role", role, "--password", password], testEnv());
  expect(r.code, r.stderr).toBe(0);
  return email;
}

async function signedIn(browser: Browser, email: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await login(page, "viewer", { email, password });
  return page;
}

/** A page whose session has ended lands on the sign-in page. */
async function expectSignedOut(page: Page) {
  await page.goto("/destinations");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
}

test("a password change ends the member's other session at once; this one stays; the new password signs in", async ({
  browser,
}) => {
  const email = await newMember("viewer", "first-password-1");
  const a = await signedIn(browser, email, "first-password-1");
  const b = await signedIn(browser, email, "first-password-1");

  await a.getByRole("link", { name: "Account" }).click();
  await a.getByLabel("Current password").fill("not-the-password");
  await a.getByLabel(/^New password \(at least/).fill("second-password-2");
  await a.getByLabel("New password again").fill("second-password-2");
  await a.getByRole("button", { name: "Change password" }).click();
  await expect(a.getByRole("main").getByRole("alert")).toHaveText(
    "The current password is wrong; nothing was changed.",
  );
  await b.reload();
  await expect(b.getByTestId("whoami")).toContainText(email); // nothing changed yet

  // (React resets a form after its action: every field is filled again.)
  await a.getByLabel("Current password").fill("first-password-1");
  await a.getByLabel(/^New password \(at least/).fill("second-password-2");
  await a.getByLabel("New password again").fill("second-password-2");
  await a.getByRole("button", { name: "Change password" }).click();
  await expect(a.getByRole("status").filter({ hasText: "Password changed" })).toBeVisible();
  await expectSignedOut(b);
  await a.reload();
  await expect(a.getByTestId("whoami")).toContainText(email);

  const c = await (await browser.newContext()).newPage();
  await c.goto("/login");
  await c.getByLabel("Email").fill(email);
  await c.getByLabel("Password").fill("first-password-1");
  await c.getByRole("button", { name: "Sign in" }).click();
  await expect(c.getByRole("main").getByRole("alert")).toContainText("Wrong email or password.");
  await login(c, "viewer", { email, password: "second-password-2" });

  // Sign out everywhere: both remaining sessions end, this one included.
  await a.goto("/account");
  await a.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(a).toHaveURL(/\/login\?signed_out=1/);
  await expectSignedOut(c);
});

test("an admin sets a member's password: the member's session ends, the new password signs in", async ({
  browser,
  page,
}) => {
  const email = await newMember("operator", "member-password-1");
  const member = await signedIn(browser, email, "member-password-1");
  await login(page, "admin");
  await page.goto("/team");
  const row = page.locator(`tr[data-email="${email}"]`);
  await row.getByLabel(`New password for ${email} (empty = generate one)`).fill("set-by-admin-1");
  await row.getByRole("button", { name: `Set password of ${email}` }).click();
  await expect(row.getByRole("status")).toContainText(`New password set for ${email}; their sessions ended.`);
  await expectSignedOut(member);
  await login(member, "operator", { email, password: "set-by-admin-1" });
  // The admin's own row points to the account page instead.
  await expect(
    page.locator('tr[data-email="admin@e2e.test"]').getByRole("link", { name: "Change on your account page" }),
  ).toBeVisible();
});
