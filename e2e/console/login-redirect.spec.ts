// The sign-in page's `next` never sends anyone off the console (open redirect): browsers read
// "/\evil.example" and "/<tab>/evil.example" as "//evil.example", another host, so such values
// fall back to the destinations list — for a signed-in user sent to /login?next=…, and after
// signing in with such a `next`. evil.example is answered by the test (route), so that leaving
// the console would be seen rather than end in a DNS error.
import { test, expect } from "../support/fixtures";
import { login } from "./helpers";
import { EMAIL, PASSWORD } from "./helpers";

const PAYLOADS = [
  "/%5Cevil.example",
  "/%09/evil.example",
  "/%5C/evil.example",
  "/%0A/evil.example",
  "/..//evil.example",
];

test.beforeEach(async ({ context }) => {
  await context.route(
    (url) => url.hostname === "evil.example",
    (route) => route.fulfill({ status: 200, body: "<h1>evil</h1>", contentType: "text/html" }),
  );
});

for (const next of PAYLOADS) {
  test(`a signed-in user opening /login?next=${next} stays on the console`, async ({ page, baseURL }) => {
    await login(page, "viewer");
    await page.goto(`/login?next=${next}`);
    await page.waitForLoadState("networkidle");
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    await expect(page).toHaveURL(/\/overview$/);
    await expect(page.getByText("evil")).toHaveCount(0);
  });
}

for (const next of PAYLOADS.slice(0, 2)) {
  test(`signing in from /login?next=${next} lands on the console`, async ({ page, baseURL }) => {
    await page.goto(`/login?next=${next}`);
    await page.getByLabel("Email").fill(EMAIL.operator);
    await page.getByLabel("Password").fill(PASSWORD.operator);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("whoami")).toContainText(EMAIL.operator);
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    await expect(page).toHaveURL(/\/overview$/);
  });
}

test("a same-site next is still followed, query included", async ({ page }) => {
  await login(page, "viewer");
  await page.goto(`/login?next=${encodeURIComponent("/audit?user=fedctl")}`);
  await expect(page).toHaveURL(/\/audit\?user=fedctl$/);
});
