// Alert webhooks end to end: a server with the scheduler on, fake homeservers on loopback whose
// behaviour the test switches, and a real HTTP receiver. Down after the configured failures,
// signed and exactly once; recovered once; flapping damped; a mass outage grouped; a receiver
// answering 500 retried, then recorded as failed; fedctl and the API; the console's admin flow.
import crypto from "node:crypto";
import { test, expect, type APIRequestContext } from "@playwright/test";
import { startFakeFleet, type FakeFleet } from "../../lib/federation/testing/fake-fleet";
import { createTestDatabase, type TestDatabase } from "../../lib/testing/test-database";
import { fedctl, memberWithToken, freePort, startServer, type RunningServer } from "../support/server";
import { schedulerEnv, waitFor } from "../support/scheduler-env";
import { startReceiver, type Receiver } from "./receiver";

const MASS = 12;
const SECRET = "e2e-webhook-secret-0123456789";
const ADMIN = { email: "hooks-admin@e2e.test", password: "hooks-admin-pw-1" };

let fleet: FakeFleet;
let db: TestDatabase;
let server: RunningServer;
let receiver: Receiver;
let env: Record<string, string>;
let token: string;
let viewerToken: string;
/** FEDCONSOLE_PUBLIC_URL: the server's own loopback address (a name would send the browser to a resolver). */
let publicUrl: string;
let endpointA: string;
let endpointFail: string;

const name = (n: string) => fleet.server(n).serverName;
const massNames = () => Array.from({ length: MASS }, (_, i) => name(`mass${i}`));
const state = async (d: string) =>
  (await db.pool.query("SELECT state FROM alert_states WHERE destination = $1", [d])).rows[0]?.state as
    | string
    | undefined;
/** Events received at `path` of `kind` that list destination `d`. */
const eventsFor = (path: string, kind: string, d: string) =>
  receiver.on(path).filter((r) => r.json.event === kind && r.json.destinations.some((x) => x.destination === d));
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function api(request: APIRequestContext, method: string, path: string, data?: unknown) {
  const r = await request.fetch(`${server.url}/_fedconsole/v1/webhooks${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}` },
    data,
  });
  return { status: r.status(), json: await r.json() };
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(150_000);
  receiver = await startReceiver();
  receiver.setStatus("/fail", 500);
  fleet = await startFakeFleet([
    { name: "solo", behaviour: "healthy" },
    ...Array.from({ length: MASS }, (_, i) => ({ name: `mass${i}`, behaviour: "healthy" as const })),
  ]);
  db = await createTestDatabase();
  await db.pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval) SELECT unnest($1::text[]), 0, 0",
    [fleet.servers.map((s) => s.serverName)],
  );
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  env = schedulerEnv(fleet, db.url, {
    PORT: String(port),
    // Fast federation: healthy ones re-checked every 300 ms, a failure retried ~300 ms later.
    FEDERATION_HEALTH_INTERVAL: "300",
    FEDERATION_MIN_RETRY_INTERVAL: "300",
    FEDERATION_MAX_RETRY_INTERVAL: "600",
    FEDERATION_RETRY_MULTIPLIER: "1",
    FEDCONSOLE_ALERT_DOWN_AFTER: "2",
    FEDCONSOLE_ALERT_MIN_GAP: "10m",
    FEDCONSOLE_ALERT_GROUP_WINDOW: "2500",
    FEDCONSOLE_ALERT_GROUP_MIN: "5",
    FEDCONSOLE_WEBHOOK_POLL_INTERVAL: "100",
    FEDCONSOLE_WEBHOOK_RETRY_BASE: "200",
    FEDCONSOLE_WEBHOOK_RETRY_FOR: "3000",
    FEDCONSOLE_WEBHOOK_IP_RANGE_ALLOWLIST: "127.0.0.0/8",
    FEDCONSOLE_PUBLIC_URL: publicUrl,
    FEDCONSOLE_SERVER_NAME: "hooks.e2e.test",
  });
  server = await startServer(env);
  // Each fedctl is a process of its own: the admin's and the viewer's run side by side.
  [token, viewerToken] = await Promise.all([
    memberWithToken(env, { email: ADMIN.email, role: "admin", password: ADMIN.password }),
    memberWithToken(env, { email: "hooks-viewer@e2e.test", role: "viewer", password: "viewer-pw-12" }),
  ]);
});

test.afterAll(async () => {
  await server?.stop();
  await fleet?.close();
  await receiver?.close();
  await db?.close();
});

test("the API creates endpoints (admin only), never returns a secret, and refuses bad input", async ({ request }) => {
  const a = await api(request, "POST", "", {
    url: receiver.url("/a"),
    secret: SECRET,
    events: ["down", "recovered", "dead"],
    description: "pager",
  });
  expect(a.status).toBe(200);
  expect(a.json.secret).toBeUndefined();
  expect(a.json.webhook).toMatchObject({
    url: receiver.url("/a"),
    events: ["down", "recovered", "dead"],
    enabled: true,
  });
  endpointA = a.json.webhook.id;
  const f = await api(request, "POST", "", { url: receiver.url("/fail"), events: ["down"] });
  expect(f.status).toBe(200);
  expect(f.json.secret).toMatch(/^whsec_/); // generated, shown once
  endpointFail = f.json.webhook.id;

  expect((await api(request, "POST", "", { url: "ftp://x.example/" })).json.errcode).toBe("M_INVALID_PARAM");
  expect((await api(request, "POST", "", { url: receiver.url("/x"), events: ["nope"] })).status).toBe(400);
  const blocked = await api(request, "POST", "", { url: "http://169.254.169.254/latest" });
  expect(blocked.status).toBe(400);
  expect(blocked.json.error).toContain("blocked IP range");
  const list = await api(request, "GET", "");
  expect(list.json.webhooks.map((w: { id: string }) => w.id).sort()).toEqual([endpointA, endpointFail].sort());
  expect(JSON.stringify(list.json)).not.toContain(SECRET);
  const stored = await db.pool.query("SELECT secret_box FROM webhook_endpoints WHERE id = $1", [endpointA]);
  expect(stored.rows[0].secret_box).not.toContain(SECRET); // sealed at rest

  // A viewer's token is refused.
  const r = await request.get(`${server.url}/_fedconsole/v1/webhooks`, {
    headers: { Authorization: `Bearer ${viewerToken}` },
  });
  expect(r.status()).toBe(403);
});

test("a destination that goes down: exactly one signed down event after the failures, one recovered; flapping damped", async () => {
  test.setTimeout(60_000);
  const solo = name("solo");
  await waitFor("solo seen healthy", async () => (await state(solo)) === "up");
  await fleet.server("solo").setBehaviour("down");
  const [down] = await waitFor("the down event", async () => {
    const e = eventsFor("/a", "down", solo);
    return e.length > 0 ? e : null;
  });
  expect(receiver.verified(down, SECRET)).toBe(true);
  expect(receiver.verified(down, "another-secret-0123456789")).toBe(false);
  expect(down.headers["x-fedconsole-event"]).toBe("down");
  expect(down.headers["content-type"]).toBe("application/json");
  const failures = await db.pool.query(
    "SELECT count(*)::int AS n FROM attempts WHERE destination = $1 AND outcome = 'failure' AND started_ts <= $2",
    [solo, down.json.first_at_ts],
  );
  expect(failures.rows[0].n).toBe(2); // FEDCONSOLE_ALERT_DOWN_AFTER
  expect(down.json).toMatchObject({
    event: "down",
    status: "down",
    count: 1,
    server_name: "hooks.e2e.test",
    reason: "Connection: connection refused",
    link: `${publicUrl}/destinations/${encodeURIComponent(solo)}`,
    text: `🔴 ${solo} is down: Connection: connection refused`,
  });
  expect(down.json.destinations[0]).toMatchObject({ destination: solo, reason_code: "CONNECT_REFUSED", failures: 2 });

  await fleet.server("solo").setBehaviour("healthy");
  const [up] = await waitFor("the recovered event", async () => {
    const e = eventsFor("/a", "recovered", solo);
    return e.length > 0 ? e : null;
  });
  expect(receiver.verified(up, SECRET)).toBe(true);
  expect(up.json.text).toMatch(
    new RegExp(`^🟢 ${solo.replace(/[.[\]]/g, "\\$&")} has recovered: reachable again after `),
  );

  // Two more flaps within FEDCONSOLE_ALERT_MIN_GAP: damped, nothing sent.
  for (let i = 0; i < 2; i++) {
    await fleet.server("solo").setBehaviour("down");
    await waitFor("solo down again", async () => (await state(solo)) === "down");
    await fleet.server("solo").setBehaviour("healthy");
    await waitFor("solo up again", async () => (await state(solo)) === "up");
  }
  await settle(3_000); // longer than the group window: anything queued would have been sent
  expect(eventsFor("/a", "down", solo)).toHaveLength(1);
  expect(eventsFor("/a", "recovered", solo)).toHaveLength(1);
});

test("a mass outage arrives as one grouped event, and so does its recovery", async () => {
  test.setTimeout(60_000);
  const names = massNames();
  await waitFor("all seen healthy", async () => {
    for (const n of names) if ((await state(n)) !== "up") return false;
    return true;
  });
  await Promise.all(names.map((_, i) => fleet.server(`mass${i}`).setBehaviour("down")));
  const grouped = await waitFor("the grouped down event", async () =>
    receiver.on("/a").find((r) => r.json.event === "down" && r.json.count > 1),
  );
  expect(grouped.json.count).toBe(MASS);
  expect(grouped.json.destinations.map((d) => d.destination).sort()).toEqual([...names].sort());
  expect(grouped.json.text).toMatch(
    /^🔴 12 destinations are down: .* and 7 more \(mostly: Connection: connection refused\)$/,
  );
  expect(grouped.json.link).toBe(`${publicUrl}/destinations?status=failing`);
  expect(receiver.verified(grouped, SECRET)).toBe(true);
  await Promise.all(names.map((_, i) => fleet.server(`mass${i}`).setBehaviour("healthy")));
  const back = await waitFor("the grouped recovered event", async () =>
    receiver.on("/a").find((r) => r.json.event === "recovered" && r.json.count > 1),
  );
  expect(back.json.count).toBe(MASS);
  await settle(500);
  const massDowns = receiver
    .on("/a")
    .filter((r) => r.json.event === "down" && r.json.destinations.some((d) => names.includes(d.destination)));
  expect(massDowns).toHaveLength(1);
});

test("a receiver answering 500 gets retries with backoff, then a failed delivery record", async ({ request }) => {
  test.setTimeout(30_000);
  const failed = await waitFor("a delivery given up", async () => {
    const r = await db.pool.query(
      "SELECT id::text, tries FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'failed' ORDER BY id LIMIT 1",
      [endpointFail],
    );
    return r.rows[0] as { id: string; tries: number } | undefined;
  });
  expect(failed.tries).toBeGreaterThanOrEqual(3);
  const tries = await db.pool.query(
    "SELECT at::bigint AS at, status_code, ok, error FROM webhook_delivery_tries WHERE delivery_id = $1 ORDER BY id",
    [failed.id],
  );
  expect(tries.rows.length).toBe(failed.tries);
  for (const t of tries.rows) expect(t).toMatchObject({ status_code: 500, ok: false, error: "answered 500" });
  const gaps = tries.rows.slice(1).map((t, i) => Number(t.at) - Number(tries.rows[i].at));
  // Backoff: the k-th retry waits at least FEDCONSOLE_WEBHOOK_RETRY_BASE × 2^k (200 ms doubling).
  for (const [k, gap] of gaps.entries()) expect(gap).toBeGreaterThanOrEqual(200 * 2 ** k);
  const received = receiver.on("/fail").filter((r) => r.headers["x-fedconsole-delivery"] === failed.id);
  expect(received).toHaveLength(failed.tries);

  const d = await api(request, "GET", `/${endpointFail}/deliveries?limit=200`);
  const mine = d.json.deliveries.filter((x: { delivery_id: string }) => x.delivery_id === failed.id);
  expect(mine).toHaveLength(failed.tries);
  expect(mine[0]).toMatchObject({ ok: false, status_code: 500, delivery_status: "failed", try: failed.tries });
  expect(typeof mine[0].duration_ms).toBe("number");
});

test("fedctl webhooks add, list, test, remove", async () => {
  const add = await fedctl(["webhooks", "add", receiver.url("/cli"), "--events", "down,recovered"], env);
  expect(add.code, add.stderr).toBe(0);
  const [id, secretLine] = add.stdout.trim().split("\n");
  const secret = secretLine.replace(/^secret: /, "");
  const list = await fedctl(["webhooks", "list"], env);
  expect(list.stdout).toContain(`${id}\t${receiver.url("/cli")}\tdown,recovered\ton\tnever tried`);
  expect(list.stdout).not.toContain(secret);
  const t = await fedctl(["webhooks", "test", id], env);
  expect(t.code, t.stderr).toBe(0);
  expect(t.stdout).toMatch(/^delivered: 200 in \d+ ms/);
  const got = receiver.on("/cli");
  expect(got).toHaveLength(1);
  expect(got[0].json.event).toBe("test");
  expect(receiver.verified(got[0], secret)).toBe(true);
  const rm = await fedctl(["webhooks", "remove", id], env);
  expect(rm.code).toBe(0);
  expect(rm.stdout).toBe(`Removed ${id} (${receiver.url("/cli")}).\n`);
  expect(await db.pool.query("SELECT 1 FROM webhook_endpoints WHERE id = $1", [id])).toMatchObject({ rowCount: 0 });
});

test("console: an admin adds a webhook, sends a test, sees the delivery, disables and deletes it; all audited", async ({
  page,
}) => {
  await page.goto(`${server.url}/login?next=/webhooks`);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  test.setTimeout(90_000);
  // Sign-in hashes the password (argon2): slow on a loaded machine.
  await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible({ timeout: 30_000 });
  const url = receiver.url(`/browser-${crypto.randomBytes(3).toString("hex")}`);
  const add = page.getByRole("form", { name: "Add a webhook" });
  await add.getByLabel("URL").fill(url);
  await add.getByLabel("Description").fill("chat room");
  await add.getByLabel("Destination dead").uncheck();
  await add.getByRole("button", { name: "Add webhook" }).click();
  const secret = (await add.getByTestId("generated-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^whsec_/);

  const card = page.locator(`[data-testid="webhook"][data-webhook-url="${url}"]`);
  await expect(card).toContainText(
    "Destination down · Destination recovered · Certificate expiring · Upstream sync failing",
  );
  await expect(card).toContainText("Nothing delivered yet.");
  await card.getByRole("button", { name: `Send test to ${url}` }).click();
  await expect(card.getByRole("status")).toContainText(/Test delivered: 200 in \d+ ms/);
  const got = receiver.received.filter((r) => url.endsWith(r.path));
  expect(got).toHaveLength(1);
  expect(receiver.verified(got[0], secret)).toBe(true);
  expect(got[0].json.text).toBe("🔔 Test from Federation Console (hooks.e2e.test): this webhook works");
  await page.reload();
  await expect(card.getByTestId("deliveries").locator('[data-delivery-ok="true"]')).toHaveCount(1);
  await expect(card.getByTestId("deliveries")).toContainText("Test");
  await page.screenshot({ path: test.info().outputPath("webhooks-page.png"), fullPage: true });

  await card.getByText("Edit", { exact: true }).click();
  const edit = card.getByRole("form", { name: `Edit the webhook for ${url}` });
  for (const label of ["Destination down", "Destination recovered", "Certificate expiring", "Upstream sync failing"]) {
    await edit.getByLabel(label).uncheck();
  }
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit.getByRole("alert")).toHaveText("Choose at least one event.");
  await edit.getByLabel("Destination down").check();
  await edit.getByLabel("Enabled").uncheck();
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit.getByRole("status")).toContainText("Saved");
  await page.reload();
  await expect(card.getByTestId("webhook-state")).toHaveText("○ Disabled");

  page.once("dialog", (d) => void d.accept());
  await card.getByRole("button", { name: `Delete the webhook for ${url}` }).click();
  await expect(card).toHaveCount(0);
  const audit = await db.pool.query(
    "SELECT action, detail->>'origin' AS origin FROM audit_events WHERE action LIKE 'webhook.%' AND actor = $1 ORDER BY id",
    [ADMIN.email],
  );
  const mine = audit.rows.filter((r) => r.origin === new URL(url).origin).map((r) => r.action);
  expect(mine.slice(-4)).toEqual(["webhook.create", "webhook.test", "webhook.change", "webhook.delete"]);
  // The audit page names them.
  await page.goto(`${server.url}/audit`);
  await expect(page.getByText("Added webhook").first()).toBeVisible();
});
