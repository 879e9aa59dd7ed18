// Federation checks end to end (issue 13): our server with FEDERATION_DNS_SERVERS pointing at a
// real DNS server on loopback, fake homeservers with each fault, the API, the tester-compatible
// pair, fedctl, and the console's "Check now".
import { test, expect } from "@playwright/test";
import { fedctl } from "../support/server";
import { DEAD, DEAD_PORT, FAULTS, STILL_OK, call, signIn, startWorld, type World } from "./check-world";

let w: World;
const SEEDED = { retry_last_ts: "1700000000000", retry_interval: "600000", failure_ts: "1699999000000" };

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  w = await startWorld();
  for (const name of [...w.fleet.servers.map((s) => s.serverName), DEAD]) {
    await w.pool.query(
      "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts) VALUES ($1, $2, $3, $4)",
      [name, SEEDED.retry_last_ts, SEEDED.retry_interval, SEEDED.failure_ts],
    );
  }
});
test.afterAll(async () => {
  await w?.close();
});

const enc = encodeURIComponent;

test("each fault: the right verdict in the stored report, the API and the tester's shape", async () => {
  for (const fault of ["healthy", ...FAULTS]) {
    const name = w.fleet.server(fault).serverName;
    const posted = await call(w, w.tokens.admin, "POST", `/_fedconsole/v1/destinations/${enc(name)}/check`);
    expect(posted.status, posted.text).toBe(200);
    const check = posted.json();
    const ok = fault === "healthy" || STILL_OK.has(fault);
    expect(check.federation_ok, `${fault}: ${check.summary}`).toBe(ok);
    expect(check.trigger).toBe("manual");
    const steps = check.report.addresses[0];
    const failing = check.report.summary.problems[0]?.step;
    if (fault.endsWith("Cert")) {
      if (!ok) expect(failing, fault).toBe("tls");
    } else if (!ok) expect(failing, fault).toBe("keys");
    if (fault === "expiringCert") expect(steps.tls.verdict).toMatch(/expires in 3 days/);
    if (fault === "tls12Only") expect(steps.tls.protocol).toBe("TLSv1.2");

    const one = await call(w, w.tokens.admin, "GET", `/_fedconsole/v1/destinations/${enc(name)}/checks/${check.id}`);
    expect(one.json().summary).toBe(check.summary);

    const tester = await call(w, w.tokens.admin, "GET", `/api/report?server_name=${enc(name)}`);
    expect(tester.type).toMatch(/^application\/json/);
    const t = tester.json();
    expect(t.FederationOK, fault).toBe(ok);
    const conn = t.ConnectionReports[name];
    expect(conn.Checks.AllChecksOK, fault).toBe(ok);
    expect(conn.Checks.MatchingServerName, fault).toBe(fault !== "wrongKeyServerName");
    expect(conn.Checks.FutureValidUntilTS, fault).toBe(fault !== "expiredKeys");
    expect(conn.Checks.HasEd25519Key).toBe(true);
    expect(conn.Checks.AllEd25519ChecksOK, fault).toBe(fault !== "badKeySignature" && fault !== "wrongKeyServerName");
    expect(conn.Checks.ValidCertificates, fault).toBe(!["wrongNameCert", "selfSignedCert"].includes(fault));
    expect(Object.keys(conn.Checks.Ed25519Checks)).toEqual(["ed25519:fake"]);
    expect(conn.Keys.verify_keys["ed25519:fake"].key).toBe(w.fleet.server(fault).signingKey.publicKeyBase64);

    const good = await call(w, w.tokens.admin, "GET", `/api/federation-ok?server_name=${enc(name)}`);
    expect(good.text, fault).toBe(ok ? "GOOD" : "BAD");
  }
});

test("discovery over real DNS: SRV live + dead, well-known to an SRV-only name via CNAMEs, a blocked address never connected to", async () => {
  const srv = (await call(w, w.tokens.admin, "GET", "/api/report?server_name=srv.fed.test")).json();
  expect(srv.DNSResult.SRVCName).toBe("_matrix-fed._tcp.srv.fed.test.");
  expect(srv.DNSResult.SRVRecords.map((r: { Port: number }) => r.Port).sort()).toEqual(
    [w.fleet.server("named").port, DEAD_PORT].sort(),
  );
  expect(Object.keys(srv.ConnectionReports)).toEqual([`127.0.0.1:${w.fleet.server("named").port}`]);
  expect(Object.keys(srv.ConnectionErrors)).toEqual([DEAD]);
  expect(srv.FederationOK).toBe(false); // the tester's rule: any unreachable address

  const deleg = (await call(w, w.tokens.admin, "GET", "/api/report?server_name=deleg.fed.test")).json();
  expect(deleg.WellKnownResult["m.server"]).toBe("srvonly.fed.test");
  expect(deleg.WellKnownResult.CacheExpiresAt).toBeGreaterThan(Date.now() / 1000);
  expect(deleg.DNSResult.Hosts["alias.fed.test"].CName).toBe("real.fed.test.");
  expect(deleg.FederationOK).toBe(true);

  const blocked = w.fleet.server("blocked");
  blocked.resetCounts();
  const mixed = (await call(w, w.tokens.admin, "GET", "/api/report?server_name=mixed.fed.test")).json();
  expect(mixed.FederationOK).toBe(false);
  expect(mixed.ConnectionErrors[`127.0.0.2:${blocked.port}`].Message).toMatch(/blocklist/);
  expect(blocked.connections).toBe(0);
  expect(w.dns.queries).toContain("SRV _matrix-fed._tcp.mixed.fed.test");
});

test("checks change no retry timing, history is bounded, fedctl check prints the same verdict", async () => {
  const name = DEAD;
  for (let i = 0; i < 4; i++) {
    const r = await call(w, w.tokens.admin, "POST", `/_fedconsole/v1/destinations/${enc(name)}/check`);
    expect(r.json().federation_ok).toBe(false);
  }
  const list = (await call(w, w.tokens.admin, "GET", `/_fedconsole/v1/destinations/${enc(name)}/checks`)).json();
  expect(list.checks).toHaveLength(3);
  expect(list.total).toBe(3);
  expect(list.checks[0].summary).toMatch(/connection refused/);
  // total counts what is stored, not the page; a count that is not a whole number is a 400.
  const first = (
    await call(w, w.tokens.admin, "GET", `/_fedconsole/v1/destinations/${enc(name)}/checks?limit=1`)
  ).json();
  expect([first.checks.length, first.total, first.checks[0].id]).toEqual([1, 3, list.checks[0].id]);
  for (const bad of ["2.5", "0", "-1", "1e2", "ten"]) {
    const r = await call(w, w.tokens.admin, "GET", `/_fedconsole/v1/destinations/${enc(name)}/checks?limit=${bad}`);
    expect([r.status, r.json().errcode], bad).toEqual([400, "M_INVALID_PARAM"]);
  }
  const rows = await w.pool.query(
    "SELECT retry_last_ts::text, retry_interval::text, failure_ts::text FROM destinations",
  );
  for (const row of rows.rows) expect(row).toEqual(SEEDED);
  expect((await w.pool.query("SELECT count(*)::int AS n FROM attempts")).rows[0].n).toBe(0);

  const cli = await fedctl(["check", w.fleet.server("selfSignedCert").serverName], w.env);
  expect(cli.code).toBe(1);
  expect(cli.stdout).toMatch(
    /^FEDERATION FAILS: The certificate of 127\.0\.0\.1:\d+ is not trusted: it is self-signed/,
  );
  expect(cli.stdout).toMatch(/✗ 127\.0\.0\.1:\d+ — TLS/);
  const json = await fedctl(["check", w.fleet.server("healthy").serverName, "--json"], w.env);
  expect(json.code).toBe(0);
  expect(JSON.parse(json.stdout).federation_ok).toBe(true);
});

test("unknown destinations 404, viewers cannot check arbitrary names, the rate limit answers 429 with retry_after_ms", async () => {
  const unknown = await call(w, w.tokens.admin, "POST", "/_fedconsole/v1/destinations/nowhere.fed.test/check");
  expect(unknown.status).toBe(404);
  const unknownList = await call(w, w.tokens.admin, "GET", "/_fedconsole/v1/destinations/nowhere.fed.test/checks");
  expect([unknownList.status, unknownList.json().error]).toEqual([404, "Unknown destination"]);
  const missing = await call(w, w.tokens.admin, "GET", "/api/report");
  expect(missing.json().errcode).toBe("M_MISSING_PARAM");
  const anonymous = await fetch(`${w.server.url}/api/federation-ok?server_name=x`);
  expect(anonymous.status).toBe(401);
  const viewer = await call(w, w.tokens.viewer, "GET", "/api/report?server_name=elsewhere.fed.test");
  expect(viewer.status).toBe(403);
  const ownDestination = await call(
    w,
    w.tokens.viewer,
    "GET",
    `/api/federation-ok?server_name=${enc(w.fleet.server("healthy").serverName)}`,
  );
  expect(ownDestination.text).toBe("GOOD");
  let last = { status: 0, text: "", json: () => ({}) as Record<string, unknown> };
  for (let i = 0; i < 61 && last.status !== 429; i++) {
    last = await call(w, w.tokens.limited, "GET", "/api/federation-ok?server_name=not%20a%20name");
    if (last.status !== 429) expect(last.text).toBe("BAD");
  }
  expect(last.status).toBe(429);
  const body = last.json();
  expect(body.errcode).toBe("M_LIMIT_EXCEEDED");
  expect(body.retry_after_ms).toBeGreaterThan(0);
  expect(body.retry_after_ms).toBeLessThanOrEqual(60_000);
  // Another user's quota is untouched.
  expect((await call(w, w.tokens.admin, "GET", "/api/federation-ok?server_name=not%20a%20name")).text).toBe("BAD");
});

test("browser: Check now on a failing destination shows the summary and the failing step; attempts link to it; flush is audited", async ({
  browser,
}) => {
  const name = w.fleet.server("selfSignedCert").serverName;
  await w.pool.query(
    `INSERT INTO attempts (destination, started_ts, duration_ms, trigger, outcome, stage, reason, message)
     VALUES ($1, $2, 12, 'schedule', 'failure', 'tls', 'CERT_UNTRUSTED', 'certificate is not trusted')`,
    [name, Date.now() - 60_000],
  );
  const context = await browser.newContext({ baseURL: w.server.url });
  const page = await context.newPage();
  await signIn(page, "viewer@checks.test", "viewer-password-1");
  await page.goto(`/destinations/${enc(name)}`);
  await expect(page.getByRole("button", { name: "Flush cached discovery" })).toHaveCount(0);
  await page.getByRole("button", { name: "Check now" }).click();
  const summary = page.getByTestId("check-summary");
  await expect(summary).toContainText("Federation fails", { timeout: 15_000 });
  await expect(summary).toContainText(/The certificate of 127\.0\.0\.1:\d+ is not trusted: it is self-signed/);
  const failing = page.locator('[data-testid="check-steps"] li[data-status="fail"]');
  await expect(failing.first()).toHaveAttribute("data-step", "tls");
  await expect(failing.first()).toContainText("not trusted");
  const link = page.getByTestId("attempt-check-link").first();
  await expect(link).toHaveAttribute("href", "#step-tls");
  await link.click();
  await expect(page.locator("#step-tls")).toBeAttached();
  await expect(page.locator('li[data-step="tls"]:has(#step-tls)')).toHaveAttribute("data-status", "fail");
  await context.close();

  const admin = await browser.newContext({ baseURL: w.server.url });
  const adminPage = await admin.newPage();
  await signIn(adminPage, "admin@checks.test", "admin-password-1");
  await adminPage.goto(`/destinations/${enc(name)}`);
  await expect(adminPage.getByTestId("check-history")).toContainText("Earlier checks");
  await adminPage.getByRole("button", { name: "Flush cached discovery" }).click();
  await expect(adminPage.getByRole("status").filter({ hasText: "Cached discovery flushed" })).toBeVisible();
  const audit = await w.pool.query("SELECT destination FROM audit_events WHERE action = 'destination.flush_discovery'");
  expect(audit.rows).toEqual([{ destination: name }]);
  await adminPage.goto("/check");
  await adminPage.getByLabel("Server name").fill("deleg.fed.test");
  await adminPage.getByRole("button", { name: "Check", exact: true }).click();
  await expect(adminPage.getByTestId("check-summary")).toContainText("Federation works", { timeout: 15_000 });
  await admin.close();
});
