// API tokens in the console: created once-visible, working against the API, revoked → refused.
import { test, expect, FED } from "../support/fixtures";
import { login } from "./helpers";

test("a token created in the console works against the API and stops working once revoked", async ({
  page,
  baseURL,
}) => {
  await login(page, "operator");
  await page.goto("/tokens");
  const name = `ci-script-${Date.now()}`;
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token).toMatch(/^fct_[A-Za-z0-9_-]{40,}$/);
  await expect(page.getByRole("button", { name: "Copy" })).toBeVisible();
  const row = page.getByTestId("my-tokens").locator(`tr[data-token-name="${name}"]`);
  await expect(row).toContainText("Active");
  await expect(row).toContainText("never");
  await expect(row).toContainText(token.slice(0, 12) + "…");

  const ok = await fetch(`${baseURL}${FED}?limit=1`, { headers: { Authorization: `Bearer ${token}` } });
  expect(ok.status).toBe(200);
  expect(await ok.json()).toHaveProperty("total");
  await page.reload();
  await expect(row.locator("td").nth(3)).toHaveText(/^(now|\d+ s ago)$/); // last used
  await expect(page.getByTestId("new-token")).toHaveCount(0); // shown once only

  page.once("dialog", (d) => d.accept());
  await row.getByRole("button", { name: /^Revoke/ }).click();
  await expect(row).toContainText("Revoked");
  const refused = await fetch(`${baseURL}${FED}?limit=1`, { headers: { Authorization: `Bearer ${token}` } });
  expect(refused.status).toBe(401);
  expect((await refused.json()).errcode).toBe("M_UNKNOWN_TOKEN");
});

test("viewers see only their own tokens; admins see and revoke everyone's", async ({ page, browser, baseURL }) => {
  await login(page, "viewer");
  await page.goto("/tokens");
  const name = `viewer-token-${Date.now()}`;
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  await expect(page.getByTestId("all-tokens")).toHaveCount(0);
  await expect(page.getByTestId("my-tokens")).not.toContainText("e2e operator");

  const admin = await browser.newContext({ baseURL });
  const apage = await admin.newPage();
  await login(apage, "admin");
  await apage.goto("/tokens");
  const row = apage.getByTestId("all-tokens").locator(`tr[data-token-name="${name}"]`);
  await expect(row).toContainText("viewer@e2e.test");
  await expect(apage.getByTestId("all-tokens")).toContainText("e2e operator");
  apage.once("dialog", (d) => d.accept());
  await row.getByRole("button", { name: /^Revoke/ }).click();
  await expect(row).toContainText("Revoked");
  expect((await fetch(`${baseURL}${FED}`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
  await admin.close();
});
