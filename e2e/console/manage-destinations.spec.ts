// Adding and forgetting destinations (README "Add and forget destinations"): from the console and
// through POST/DELETE /_fedconsole/v1/destinations, with their audit entries; forget refused
// without the typed name and for a destination that is not dead; "Forget dead" with its count.
import { test, expect, db, tokens } from "../support/fixtures";
import { HOUR, login, seedConsole } from "./helpers";

const NOW = Date.now();
const DAY = 24 * HOUR;
const API = "/_fedconsole/v1/destinations";
const count = async (name: string) =>
  (await db().query("SELECT count(*)::int AS n FROM destinations WHERE destination = $1", [name])).rows[0].n;
const auth = (role: "admin" | "operator" | "viewer") => ({ Authorization: `Bearer ${tokens()[role]}` });

test("add then forget round trip, in the console and through the API, with audit entries", async ({
  page,
  request,
}) => {
  await seedConsole([{ destination: "known.manage.test", last_attempt_ts: NOW - HOUR, last_outcome: "success" }]);
  await login(page, "admin", { next: "/destinations" });
  await page.getByRole("button", { name: "Add destinations…" }).click();
  await page
    .getByLabel(/Server names: one per line/)
    .fill("new-a.manage.test\nknown.manage.test, under_score.test\n[::1]:8448");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  const result = page.getByTestId("add-result");
  await expect(result).toContainText("Added 2: new-a.manage.test, [::1]:8448.");
  await expect(result).toContainText("Already known: known.manage.test.");
  await expect(result).toContainText("under_score.test: invalid server name");
  const row = (
    await db().query(
      "SELECT last_attempt_ts, wake_requested_at FROM destinations WHERE destination = 'new-a.manage.test'",
    )
  ).rows[0];
  expect(row.last_attempt_ts).toBeNull(); // never contacted…
  expect(row.wake_requested_at).not.toBeNull(); // …and an attempt requested at once
  await page.keyboard.press("Escape");
  await expect(page.locator("tr[data-destination='new-a.manage.test']")).toBeVisible();

  // The API: operator adds, and the answer sorts each name.
  const res = await request.post(API, {
    headers: auth("operator"),
    data: { destinations: ["new-b.manage.test", "known.manage.test", "no spaces please", 7] },
  });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.added).toEqual(["new-b.manage.test"]);
  expect(body.existing).toEqual(["known.manage.test"]);
  expect(body.invalid.map((i: { destination: string }) => i.destination)).toEqual(["no spaces please", "7"]);
  expect(body.invalid[0].error).toMatch(/whitespace/);
  expect((await request.post(API, { headers: auth("viewer"), data: { destinations: ["x.test"] } })).status()).toBe(403);
  const tooMany = await request.post(API, {
    headers: auth("operator"),
    data: { destinations: Array.from({ length: 1001 }, (_, i) => `n${i}.test`) },
  });
  expect(tooMany.status()).toBe(400);
  expect((await tooMany.json()).error).toMatch(/At most 1000/);

  // Forget in the console: a dead one (failing for 8 days), the name typed to confirm.
  await db().query(
    "UPDATE destinations SET retry_last_ts = $1, retry_interval = 600000, failure_ts = $2 WHERE destination = 'new-a.manage.test'",
    [NOW - HOUR, NOW - 8 * DAY],
  );
  await page.goto("/destinations/new-a.manage.test");
  await page.getByRole("button", { name: "Forget…" }).click();
  await page.getByLabel("Type new-a.manage.test to confirm").fill("new-a.manage.test");
  await page.getByRole("button", { name: "Forget", exact: true }).click();
  await expect(page).toHaveURL(/\/destinations$/);
  expect(await count("new-a.manage.test")).toBe(0);

  // Forget through the API: not dead yet → 409 saying so; forced → 200 {}; unknown → 404.
  const notDead = await request.delete(`${API}/new-b.manage.test`, { headers: auth("admin") });
  expect(notDead.status()).toBe(409);
  expect((await notDead.json()).error).toMatch(/is not dead: it is not failing/);
  expect((await request.delete(`${API}/new-b.manage.test`, { headers: auth("operator") })).status()).toBe(403);
  const forced = await request.delete(`${API}/new-b.manage.test?force=true`, { headers: auth("admin") });
  expect([forced.status(), await forced.text()]).toEqual([200, "{}"]);
  const unknown = await request.delete(`${API}/new-b.manage.test`, { headers: auth("admin") });
  expect(unknown.status()).toBe(404);
  expect(await unknown.json()).toEqual({ errcode: "M_NOT_FOUND", error: "Unknown destination" });

  await page.goto("/audit");
  const rows = page.getByTestId("audit").locator("tbody tr");
  await expect(rows.nth(0)).toContainText("Forgot destination");
  await expect(rows.nth(0)).toContainText("new-b.manage.test");
  await expect(rows.nth(0)).toContainText("forced (not dead yet)");
  await expect(rows.nth(1)).toContainText("Forgot destination");
  await expect(rows.nth(1)).toContainText("new-a.manage.test");
  await expect(rows.nth(1)).toContainText("failing since");
  await expect(rows.nth(2)).toContainText("Added destinations");
  await expect(rows.nth(2)).toContainText("new-b.manage.test");
  await expect(rows.nth(3)).toContainText("Added destinations");
  await expect(rows.nth(3)).toContainText("2 new destinations");
  // The snapshot of the forgotten row is kept.
  const audit = await db().query(
    "SELECT detail FROM audit_events WHERE action = 'destination.forget' AND destination = 'new-a.manage.test'",
  );
  expect(audit.rows[0].detail.snapshot).toMatchObject({
    destination: "new-a.manage.test",
    failure_ts: String(NOW - 8 * DAY),
  });
});

test("forget is refused without the typed name, and for a destination that is not dead", async ({ page }) => {
  await seedConsole([
    { destination: "dead.manage.test", retry_last_ts: NOW - HOUR, retry_interval: 600_000, failure_ts: NOW - 9 * DAY },
    { destination: "young.manage.test", retry_last_ts: NOW - HOUR, retry_interval: 600_000, failure_ts: NOW - DAY },
  ]);
  await login(page, "admin");
  await page.goto("/destinations/dead.manage.test");
  await page.getByRole("button", { name: "Forget…" }).click();
  await page.getByRole("button", { name: "Forget", exact: true }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toHaveText(
    "Type the destination's name exactly to confirm; nothing was forgotten.",
  );
  await page.getByLabel("Type dead.manage.test to confirm").fill("dead.manage.tes");
  await page.getByRole("button", { name: "Forget", exact: true }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText("Type the destination's name exactly");
  expect(await count("dead.manage.test")).toBe(1);

  await page.goto("/destinations/young.manage.test");
  await page.getByRole("button", { name: "Forget…" }).click();
  await expect(page.getByRole("dialog")).toContainText("It is not dead (failing longer than 7 d)");
  await page.getByLabel("Type young.manage.test to confirm").fill("young.manage.test");
  await page.getByRole("button", { name: "Forget", exact: true }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText(
    "young.manage.test is not dead yet: it has been failing for 1 d",
  );
  expect(await count("young.manage.test")).toBe(1);
  // Ticking "forget it anyway" forgets it.
  await page.getByLabel("Forget it anyway, although it is not dead").check();
  await page.getByRole("button", { name: "Forget", exact: true }).click();
  await expect(page).toHaveURL(/\/destinations$/);
  expect(await count("young.manage.test")).toBe(0);
  const ev = await db().query("SELECT detail FROM audit_events WHERE action = 'destination.forget'");
  expect(ev.rows.map((r) => r.detail.forced)).toEqual([true]);
});

test("forget dead: the dead destinations matching the filter, with the count confirmed; roles see only their controls", async ({
  page,
  browser,
}) => {
  await seedConsole([
    { destination: "a.gone.test", retry_last_ts: NOW - HOUR, retry_interval: 600_000, failure_ts: NOW - 30 * DAY },
    { destination: "b.gone.test", retry_last_ts: NOW - HOUR, retry_interval: 600_000, failure_ts: NOW - 8 * DAY },
    { destination: "c.gone.test", retry_last_ts: NOW - HOUR, retry_interval: 600_000, failure_ts: NOW - 2 * DAY },
    { destination: "other.test", retry_last_ts: NOW - HOUR, retry_interval: 600_000, failure_ts: NOW - 30 * DAY },
  ]);
  await login(page, "admin");
  await page.goto("/destinations?q=gone");
  await page.getByRole("button", { name: "Forget dead…" }).click();
  await expect(page.getByTestId("forget-dead-count")).toContainText(
    "This forgets 2 dead destinations (failing longer than 7 d) matching",
  );
  // One more dies meanwhile: the confirmed count no longer holds, nothing is forgotten, the new count is shown.
  await db().query("UPDATE destinations SET failure_ts = $1 WHERE destination = 'c.gone.test'", [NOW - 10 * DAY]);
  await page.getByRole("button", { name: "Forget 2" }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText(
    "3 dead destinations match now, not the 2 you confirmed",
  );
  await expect(page.getByTestId("forget-dead-count")).toContainText("This forgets 3 dead destinations");
  await page.getByRole("button", { name: "Forget 3" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Forgot 3 dead destinations." })).toBeVisible();
  const left = (await db().query("SELECT destination FROM destinations ORDER BY 1")).rows.map((r) => r.destination);
  expect(left).toEqual(["other.test"]);
  const events = await db().query("SELECT action, detail FROM audit_events WHERE action = 'destination.bulk_forget'");
  expect(events.rows[0].detail).toEqual({ count: 3, search: "gone", status: null });

  // An operator adds but does not forget; a viewer does neither.
  for (const [role, add] of [
    ["operator", 1],
    ["viewer", 0],
  ] as const) {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await login(p, role, { next: "/destinations" });
    await expect(p.getByRole("button", { name: "Add destinations…" })).toHaveCount(add);
    await expect(p.getByRole("button", { name: "Forget dead…" })).toHaveCount(0);
    await p.goto("/destinations/other.test");
    await expect(p.getByRole("button", { name: "Forget…" })).toHaveCount(0);
    await ctx.close();
  }
});
