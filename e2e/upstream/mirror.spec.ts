// Mirror mode against a real upstream: a second instance of this project (the same API as
// Synapse's) on its own database. The mirror must equal the upstream after a pass (compared
// page by page through both APIs), follow changes and removals, relay resets exactly once with
// the upstream's own 400/404, and ride out an upstream outage without changing anything.
import { test, expect } from "@playwright/test";
import { startFakeFleet, type FakeFleet } from "../../lib/federation/testing/fake-fleet";
import { fedctl, type RunningServer } from "../support/server";
import { api, FED, fullPassAfter, type Instance, signIn, startMirror, startUpstream, waitFor } from "./mirror-helpers";

test.describe.configure({ mode: "serial" });

let fleet: FakeFleet;
let up: Instance;
let mirror: Instance;
const now = Date.now();
const BIG = "9223372036854775807";
const ABOVE_2_53 = "9007199254740993";

const ORDERS = ["destination", "retry_last_ts", "retry_interval", "failure_ts", "last_successful_stream_ordering"];

async function seedUpstream() {
  const q = (sql: string, args: unknown[]) => up.db.pool.query(sql, args);
  const rows: [string, number, number, number | null, string | null][] = [];
  for (let i = 1; i <= 30; i++) {
    const failing = i % 3 === 0;
    rows.push([
      `10.0.0.${i}`,
      failing ? now - i * 60_000 : 0,
      failing ? 600_000 * i : 0,
      failing ? now - i * 120_000 : null,
      i % 4 === 0 ? null : String(1000 + i),
    ]);
  }
  rows.push(["10.0.1.1", now - 5_000, 3_600_000, now - 10_000, BIG]);
  rows.push([fleet.server("healthy").serverName, now - 30_000, 600_000, now - 60_000, "7"]);
  rows.push([fleet.server("down").serverName, now - 30_000, 600_000, now - 60_000, null]);
  for (const [d, rlt, ri, ft, lsso] of rows) {
    await q(
      "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering) VALUES ($1,$2,$3,$4,$5)",
      [d, rlt, ri, ft, lsso],
    );
  }
  for (let r = 0; r < 9; r++) {
    await q("INSERT INTO destination_rooms (destination, room_id, stream_ordering) VALUES ($1, $2, $3)", [
      "10.0.1.1",
      `!room${r}:upstream.test`,
      r === 0 ? ABOVE_2_53 : String(r),
    ]);
  }
  await q("INSERT INTO destination_rooms (destination, room_id, stream_ordering) VALUES ($1, $2, $3)", [
    "10.0.0.5",
    "!only:upstream.test",
    "5",
  ]);
}

/** Every page of every order, both directions, and every details and rooms answer, of one server. */
async function snapshot(base: string, token: string): Promise<string[]> {
  const out: string[] = [];
  for (const order of ORDERS) {
    for (const dir of ["f", "b"]) {
      for (let from = 0; from < 40; from += 7) {
        out.push((await api(base, token, `${FED}?order_by=${order}&dir=${dir}&from=${from}&limit=7`)).text);
      }
    }
  }
  const names = JSON.parse((await api(base, token, `${FED}?limit=1000`)).text).destinations.map(
    (d: { destination: string }) => d.destination,
  );
  for (const n of names) {
    out.push((await api(base, token, `${FED}/${encodeURIComponent(n)}`)).text);
    out.push((await api(base, token, `${FED}/${encodeURIComponent(n)}/rooms?limit=4&from=0`)).text);
    out.push((await api(base, token, `${FED}/${encodeURIComponent(n)}/rooms?limit=4&from=4&dir=b`)).text);
  }
  return out;
}

test.beforeAll(async () => {
  fleet = await startFakeFleet([
    { name: "healthy", behaviour: "healthy" },
    { name: "down", behaviour: "down" },
  ]);
  up = await startUpstream();
  await seedUpstream();
  mirror = await startMirror({ url: up.server.url, token: up.admin }, fleet);
});

test.afterAll(async () => {
  await mirror?.server.stop();
  await up?.server.stop();
  await mirror?.db.close();
  await up?.db.close();
  await fleet?.close();
});

test("after a pass the mirror's API equals the upstream's, page by page, for every order (64-bit values exact)", async () => {
  await fullPassAfter(mirror, 0);
  const [a, b] = [await snapshot(up.server.url, up.admin), await snapshot(mirror.server.url, mirror.admin)];
  expect(b.length).toBe(60 + 33 * 3); // 60 list pages, 33 details and 66 rooms pages
  expect(b).toEqual(a);
  expect(b.join("\n")).toContain(`"last_successful_stream_ordering":${BIG}`);
  expect(b.join("\n")).toContain(`"stream_ordering":${ABOVE_2_53}`);
});

test("a pass over an unchanged upstream writes no row; changes, additions and removals arrive", async () => {
  const quiet = await fullPassAfter(mirror, Date.now());
  expect(Number(quiet.rows_added) + Number(quiet.rows_changed) + Number(quiet.rows_removed)).toBe(0);
  expect(Number(quiet.rooms_written)).toBe(0);

  const t = Date.now();
  await up.db.pool.query(
    "UPDATE destinations SET last_successful_stream_ordering = 424242 WHERE destination = '10.0.0.1'",
  );
  await up.db.pool.query("DELETE FROM destinations WHERE destination = '10.0.0.2'");
  await up.db.pool.query("INSERT INTO destinations (destination) VALUES ('10.0.2.1')");
  await fullPassAfter(mirror, t);
  const d1 = JSON.parse((await api(mirror.server.url, mirror.admin, `${FED}/10.0.0.1`)).text);
  expect(d1.last_successful_stream_ordering).toBe(424242);
  expect((await api(mirror.server.url, mirror.admin, `${FED}/10.0.0.2`)).status).toBe(404);
  expect((await api(mirror.server.url, mirror.admin, `${FED}/10.0.2.1`)).status).toBe(200);
});

test("a new failure upstream shows within the poll interval and is probed", async () => {
  const t = Date.now();
  await up.db.pool.query(
    "UPDATE destinations SET retry_last_ts = $1, retry_interval = 600000, failure_ts = $1 WHERE destination = '10.0.0.4'",
    [t],
  );
  const seen = await waitFor("the failure in the mirror", async () => {
    const d = JSON.parse((await api(mirror.server.url, mirror.admin, `${FED}/10.0.0.4`)).text);
    return d.retry_last_ts === t ? Date.now() : null;
  });
  expect(seen - t).toBeLessThan(1_500); // poll interval 200 ms in this test
  // The prober contacts it (an IP literal in a blocked range: recorded, no packet sent).
  const attempt = await waitFor("a probe", async () =>
    (
      await mirror.db.pool.query("SELECT trigger, reason FROM attempts WHERE destination = '10.0.0.4' ORDER BY id DESC")
    ).rows.at(0),
  );
  expect(attempt).toMatchObject({ trigger: "probe", reason: "IP_BLOCKED" });
  // Our prober never writes the homeserver's timings.
  const mine = await mirror.db.pool.query(
    "SELECT retry_last_ts::text FROM destinations WHERE destination = '10.0.0.4'",
  );
  expect(mine.rows[0].retry_last_ts).toBe(String(t));
});

test("a reset through our API reaches the upstream exactly once; its 400 and 404 come back unchanged", async () => {
  const ok = await api(mirror.server.url, mirror.admin, `${FED}/10.0.0.3/reset_connection`, "POST");
  expect(ok).toEqual({ status: 200, text: "{}" });
  const upRow = await up.db.pool.query("SELECT retry_last_ts::text FROM destinations WHERE destination = '10.0.0.3'");
  expect(upRow.rows[0].retry_last_ts).toBe("0");
  const upAudit = await up.db.pool.query(
    "SELECT actor, via FROM audit_events WHERE action = 'destination.reset' AND destination = '10.0.0.3'",
  );
  expect(upAudit.rows).toEqual([{ actor: "synapse-admin@upstream.test", via: "api" }]);
  // Cleared here at once (not at the next pass), audited as relayed.
  const mine = await mirror.db.pool.query(
    "SELECT retry_last_ts::text, wake_requested_at IS NOT NULL OR last_attempt_ts IS NOT NULL AS probed FROM destinations WHERE destination = '10.0.0.3'",
  );
  expect(mine.rows[0]).toEqual({ retry_last_ts: "0", probed: true });
  const audit = await mirror.db.pool.query(
    "SELECT detail->>'relayed' AS relayed FROM audit_events WHERE action = 'destination.reset' AND destination = '10.0.0.3'",
  );
  expect(audit.rows).toEqual([{ relayed: "true" }]);

  for (const path of [`${FED}/10.0.0.1/reset_connection`, `${FED}/10.9.9.9/reset_connection`]) {
    const theirs = await api(up.server.url, up.admin, path, "POST");
    const ours = await api(mirror.server.url, mirror.admin, path, "POST");
    expect(ours).toEqual(theirs);
    expect([400, 404]).toContain(ours.status);
  }
  expect(
    (await mirror.db.pool.query("SELECT count(*)::int AS n FROM audit_events WHERE action = 'destination.reset'"))
      .rows[0].n,
  ).toBe(1);
});

test("adding and forgetting destinations is refused: the homeserver owns the list", async () => {
  const headers = { Authorization: `Bearer ${mirror.admin}`, "Content-Type": "application/json" };
  const add = await fetch(`${mirror.server.url}/_fedconsole/v1/destinations`, {
    method: "POST",
    headers,
    body: JSON.stringify({ destinations: ["new.mirror.test"] }),
  });
  expect(add.status).toBe(400);
  expect((await add.json()).error).toMatch(/mirrors a homeserver, which owns the list/);
  const name = fleet.server("healthy").serverName;
  const forget = await fetch(
    `${mirror.server.url}/_fedconsole/v1/destinations/${encodeURIComponent(name)}?force=true`,
    {
      method: "DELETE",
      headers,
    },
  );
  expect(forget.status).toBe(400);
  expect((await forget.json()).error).toMatch(/mirrors a homeserver/);
  // fedctl's import is refused the same way, before it reads a line.
  const imported = await fedctl(["destinations", "import", "-"], mirror.env, '{"destination":"new.mirror.test"}\n');
  expect(imported.code).toBe(1);
  expect(imported.stderr).toMatch(/mirrors a homeserver, which owns the list/);
  const n = await mirror.db.pool.query(
    "SELECT count(*)::int AS n FROM destinations WHERE destination = 'new.mirror.test'",
  );
  expect(n.rows[0].n).toBe(0);
});

test("console: header, 'Reachable, still backing off', a relayed reset, a relayed bulk reset", async ({ page }) => {
  const healthy = fleet.server("healthy").serverName;
  await signIn(page, mirror.server.url, "operator@mirror.test", "operator-password-1");
  await expect(page.getByTestId("mirror-status")).toContainText(`Mirroring ${new URL(up.server.url).host}`);
  await expect(page.getByTestId("mirror-status")).toContainText(/synced|syncing/);
  // The prober reached the server the upstream backs off from.
  await waitFor("the probe of the healthy server", async () =>
    (
      await mirror.db.pool.query("SELECT 1 FROM destinations WHERE destination = $1 AND last_outcome = 'success'", [
        healthy,
      ])
    ).rows.at(0),
  );
  await page.goto(`${mirror.server.url}/destinations?status=reachable_backing_off`);
  // The homeserver owns the list: no "Add destinations…" here (README "Add and forget destinations").
  await expect(page.getByRole("button", { name: /Reset all failing/ })).toBeVisible();
  await expect(page.getByRole("button", { name: "Add destinations…" })).toHaveCount(0);
  const row = page.getByRole("row").filter({ hasText: healthy });
  await expect(row).toContainText("Reachable, still backing off");
  await page.goto(`${mirror.server.url}/destinations/${encodeURIComponent(healthy)}`);
  await expect(page.getByTestId("mirror-summary")).toContainText("The homeserver backs off since");
  await expect(page.getByTestId("mirror-summary")).toContainText("reachable");
  await page
    .getByRole("button", { name: /^Reset/ })
    .first()
    .click();
  await expect(
    page
      .getByRole("status")
      .filter({ hasText: /reset|Reset/ })
      .first(),
  ).toBeVisible();
  await waitFor("the relayed reset upstream", async () =>
    (
      await up.db.pool.query("SELECT 1 FROM destinations WHERE destination = $1 AND retry_last_ts = 0", [healthy])
    ).rows.at(0),
  );

  // Bulk reset of everything still failing: each relayed exactly once.
  const failing = (
    await up.db.pool.query<{ destination: string }>("SELECT destination FROM destinations WHERE retry_last_ts > 0")
  ).rows.map((r) => r.destination);
  expect(failing.length).toBeGreaterThan(5);
  await waitFor("the mirror to list them failing", async () => {
    const n = await mirror.db.pool.query("SELECT count(*)::int AS n FROM destinations WHERE retry_last_ts > 0");
    return n.rows[0].n === failing.length;
  });
  await page.goto(`${mirror.server.url}/destinations?status=failing`);
  await page.getByRole("button", { name: /Reset all failing/ }).click();
  await page
    .getByRole("dialog")
    .getByRole("button", { name: /^Reset / })
    .click();
  await expect(page.getByText(/on the homeserver/)).toBeVisible();
  const upAudit = await up.db.pool.query<{ destination: string; n: number }>(
    "SELECT destination, count(*)::int AS n FROM audit_events WHERE action = 'destination.reset' AND destination = ANY($1) GROUP BY destination",
    [failing],
  );
  expect(upAudit.rows.length).toBe(failing.length);
  for (const r of upAudit.rows) expect(r.n, r.destination).toBe(1);
});

test("an upstream outage changes nothing here, shows a banner and a 502 for resets; it recovers by itself", async ({
  page,
}) => {
  const before = await api(mirror.server.url, mirror.admin, `${FED}?limit=1000&order_by=retry_last_ts&dir=b`);
  const port = up.server.port;
  await up.server.stop();
  await waitFor(
    "the mirror to notice",
    async () => (await mirror.db.pool.query("SELECT failing_since FROM upstream_state")).rows[0]?.failing_since,
  );
  const health = JSON.parse((await api(mirror.server.url, "", "/health")).text);
  expect(health).toMatchObject({ status: "ok", upstream: { mode: "mirror", failing: true } });
  const reset = await api(mirror.server.url, mirror.admin, `${FED}/10.0.0.6/reset_connection`, "POST");
  expect(reset.status).toBe(502);
  expect(JSON.parse(reset.text)).toMatchObject({ errcode: "M_UNKNOWN" });
  expect(JSON.parse(reset.text).error).toMatch(/^The homeserver did not accept the reset: /);
  await signIn(page, mirror.server.url, "operator@mirror.test", "operator-password-1");
  await expect(page.getByTestId("upstream-banner")).toContainText("The homeserver does not answer");
  await expect(page.getByTestId("upstream-banner")).toContainText("What you see is as of");
  expect((await api(mirror.server.url, mirror.admin, `${FED}?limit=1000&order_by=retry_last_ts&dir=b`)).text).toBe(
    before.text,
  );

  const back: RunningServer = (await startUpstream(port, up.db)).server;
  up.server = back;
  await waitFor(
    "recovery",
    async () => (await mirror.db.pool.query("SELECT failing_since IS NULL AS ok FROM upstream_state")).rows[0]?.ok,
  );
  await page.reload();
  await expect(page.getByTestId("upstream-banner")).toHaveCount(0);
});
