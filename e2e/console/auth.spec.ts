// Console sign-in: login/logout, wrong password, throttling, session required everywhere
// (the first-run hint on a database without users: e2e/accounts/first-run-hint.spec.ts).
import { test, expect, testEnv } from "../support/fixtures";
import { fedctl } from "../support/server";
import { EMAIL, PASSWORD, login } from "./helpers";

test("login page, wrong password, sign in and out (screenshot of the login page)", async ({ page }, testInfo) => {
  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "Federation Console" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("login.png"), fullPage: true });

  await page.getByLabel("Email").fill(EMAIL.viewer);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("#login-error")).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/login/);
  // Keyboard only: the email is kept, type the password and press Enter.
  await expect(page.getByLabel("Email")).toHaveValue(EMAIL.viewer);
  await page.getByLabel("Password").fill(PASSWORD.viewer);
  await page.getByLabel("Password").press("Enter");
  await expect(page).toHaveURL(/\/overview$/);
  await expect(page.getByTestId("whoami")).toContainText("viewer@e2e.test");
  await expect(page.getByTestId("whoami")).toContainText("viewer");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login\?signed_out=1/);
  await expect(page.getByText("You are signed out.")).toBeVisible();
  await page.goto("/destinations");
  await expect(page).toHaveURL(/\/login\?next=%2Fdestinations/);
});

test("every console page needs a session and comes back after sign-in", async ({ page, request }) => {
  for (const p of ["/", "/overview", "/destinations", "/destinations/x.example", "/audit", "/tokens", "/team"]) {
    const res = await request.get(p, { maxRedirects: 0 });
    expect([303, 307, 308], `${p} → ${res.status()}`).toContain(res.status());
    const location = res.headers().location ?? "";
    expect(location, p).toMatch(p === "/" ? /\/overview$/ : /\/login/);
  }
  await page.goto("/audit?user=fedctl");
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel("Email").fill(EMAIL.operator);
  await page.getByLabel("Password").fill(PASSWORD.operator);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/audit\?user=fedctl$/);
});

test("the session cookie is http-only and lasts FEDCONSOLE_SESSION_MAX_AGE (default 12 h)", async ({
  page,
  context,
}) => {
  await login(page, "viewer");
  const cookie = (await context.cookies()).find((c) => c.name === "authjs.session-token");
  expect(cookie).toBeDefined();
  expect(cookie!.httpOnly).toBe(true);
  expect(cookie!.sameSite).toBe("Lax");
  expect(Math.abs(cookie!.expires - (Date.now() / 1000 + 12 * 3600))).toBeLessThan(120);
});

test("a forged session cookie is not a session", async ({ page, context, baseURL }) => {
  await context.addCookies([
    {
      name: "authjs.session-token",
      value: "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..forged.forged.forged",
      url: baseURL!,
    },
  ]);
  await page.goto("/destinations");
  await expect(page).toHaveURL(/\/login/);
});

test("failed sign-ins are throttled per account: the correct password is refused while paused", async ({ page }) => {
  const email = `locked-${Date.now()}@e2e.test`;
  expect(
    (await fedctl(["users", "add", email, "--role", "viewer", "--password", "locked-password-1"], testEnv())).code,
  ).toBe(0);
  await page.goto("/login");
  for (let i = 1; i <= 5; i++) {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(`wrong-${i}`);
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
    await expect(page.locator("#login-error")).toContainText(
      i < 5 ? /^Wrong email or password\.$/ : /Too many failed sign-ins for this account\. Try again in 15 min\./,
    );
  }
  await page.getByLabel("Password").fill("locked-password-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("#login-error")).toContainText(/Too many failed sign-ins for this account/);
  await expect(page).toHaveURL(/\/login/);
  // Other accounts from the same address are not affected.
  await login(page, "viewer");
});
