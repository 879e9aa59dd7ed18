// Team management (admin): add with role, change role, remove; never the last admin.
import { test, expect, db } from "../support/fixtures";
import { login } from "./helpers";

test("admin adds a member with a role, changes the role, removes them; all audited", async ({
  page,
  browser,
  baseURL,
}) => {
  const email = `new-${Date.now()}@e2e.test`;
  await login(page, "admin");
  await page.getByRole("link", { name: "Team" }).click();
  const add = page.getByRole("form", { name: "Add a team member" });
  await add.getByLabel("Email").fill(email);
  await add.getByLabel("Role").selectOption("operator");
  await add.getByLabel(/Password/).fill("new-member-password");
  await add.getByRole("button", { name: "Add member" }).click();
  await expect(add.getByRole("status")).toHaveText(`Added ${email} as operator.`);
  const row = page.locator(`tr[data-email="${email}"]`);
  await expect(row.getByLabel(`Role of ${email}`, { exact: true })).toHaveValue("operator");

  // The new member can sign in with that role.
  const other = await browser.newContext({ baseURL });
  const opage = await other.newPage();
  await login(opage, "viewer", { email, password: "new-member-password" });
  await expect(opage.getByTestId("whoami")).toContainText("operator");

  await row.getByLabel(`Role of ${email}`, { exact: true }).selectOption("viewer");
  await row.getByRole("button", { name: `Save role of ${email}` }).click();
  await expect(row.getByRole("status")).toHaveText(`${email} is now viewer.`);
  // The member's open session has the new role at once.
  await opage.reload();
  await expect(opage.getByTestId("whoami")).toContainText("viewer");

  page.once("dialog", (d) => d.accept());
  await row.getByRole("button", { name: `Remove ${email}` }).click();
  await expect(page.locator(`tr[data-email="${email}"]`)).toHaveCount(0);
  // A removed member's session no longer opens the console.
  await opage.goto("/destinations");
  await expect(opage).toHaveURL(/\/login/);
  await other.close();

  const audit = (
    await db().query(
      "SELECT actor, via, action, detail FROM audit_events WHERE action LIKE 'user.%' AND detail->>'email' = $1 ORDER BY id",
      [email],
    )
  ).rows;
  expect(audit).toEqual([
    { actor: "admin@e2e.test", via: "console", action: "user.add", detail: { email, role: "operator" } },
    {
      actor: "admin@e2e.test",
      via: "console",
      action: "user.set_role",
      detail: { email, from: "operator", to: "viewer" },
    },
    { actor: "admin@e2e.test", via: "console", action: "user.remove", detail: { email } },
  ]);
});

test("cannot remove or demote the last admin; errors are shown, nothing changes", async ({ page }) => {
  await login(page, "admin");
  await page.goto("/team");
  const row = page.locator('tr[data-email="admin@e2e.test"]');
  page.once("dialog", (d) => d.accept());
  await row.getByRole("button", { name: "Remove admin@e2e.test" }).click();
  await expect(row.locator("td").nth(3).getByRole("alert")).toHaveText(
    "admin@e2e.test is the last admin and cannot be removed.",
  );
  await row.getByLabel("Role of admin@e2e.test", { exact: true }).selectOption("operator");
  await row.getByRole("button", { name: "Save role of admin@e2e.test" }).click();
  await expect(row.locator("td").nth(1).getByRole("alert")).toHaveText(
    "admin@e2e.test is the last admin; make another user admin first.",
  );
  expect((await db().query("SELECT role FROM users WHERE email = 'admin@e2e.test'")).rows).toEqual([{ role: "admin" }]);
});

test("adding a duplicate or a bad email shows the reason", async ({ page }) => {
  await login(page, "admin");
  await page.goto("/team");
  const add = page.getByRole("form", { name: "Add a team member" });
  await add.getByLabel("Email").fill("viewer@e2e.test");
  await add.getByRole("button", { name: "Add member" }).click();
  await expect(add.getByRole("alert")).toHaveText("A user viewer@e2e.test already exists.");
});

test("operators and viewers cannot manage the team (page and nav)", async ({ page }) => {
  await login(page, "operator");
  await expect(page.getByRole("link", { name: "Team" })).toHaveCount(0);
  await page.goto("/team");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(
    "Managing the team needs the admin role; you are operator.",
  );
  await expect(page.getByRole("form", { name: "Add a team member" })).toHaveCount(0);
});
