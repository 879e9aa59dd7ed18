// Secrets never reach the server's output (SECURITY.md "What is logged"): API tokens sent in
// the Authorization header or in ?access_token= (valid, revoked, unknown, both at once),
// passwords of Matrix and console sign-ins (right and wrong), the tokens a login hands out,
// and the upstream homeserver's token. The server's stdout and stderr are kept by
// e2e/support/server.ts and searched after a run that used all of them.
import { test, expect, testEnv, FED } from "./support/fixtures";
import { fedctl, freePort, startServer } from "./support/server";

test("tokens and passwords used against the server never appear in its output", async ({ browser }) => {
  test.setTimeout(180_000);
  const upstreamToken = `syt_upstream-secret-${Date.now()}`;
  const server = await startServer({
    ...testEnv(),
    FEDCONSOLE_SERVER_NAME: "e2e.test",
    // mirror mode's settings with a homeserver that does not answer: its token must stay out of the log too
    FEDCONSOLE_UPSTREAM_URL: `http://127.0.0.1:${await freePort()}`,
    FEDCONSOLE_UPSTREAM_TOKEN: upstreamToken,
  });
  const email = `logs-${Date.now()}@e2e.test`;
  const password = `logs-password-${Date.now()}`;
  const wrongPassword = `not-the-password-${Date.now()}`;
  const secrets: string[] = [upstreamToken, password, wrongPassword];
  try {
    expect((await fedctl(["users", "add", email, "--role", "operator", "--password", password], testEnv())).code).toBe(
      0,
    );
    const valid = (await fedctl(["tokens", "create", email, "--name", "logs"], testEnv())).stdout.trim();
    const revoked = (await fedctl(["tokens", "create", email, "--name", "revoked"], testEnv())).stdout.trim();
    expect((await fedctl(["tokens", "revoke", revoked.slice(0, 12)], testEnv())).code).toBe(0);
    const unknown = `fct_unknown-${Date.now()}-abcdefghijklmnop`;
    secrets.push(valid, revoked, unknown);

    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(server.url + path, { headers }).then(async (r) => ({ status: r.status, text: await r.text() }));
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(server.url + path, {
        method: "POST",
        body,
        headers: { "Content-Type": "application/json", ...headers },
      }).then(async (r) => ({ status: r.status, text: await r.text() }));
    const q = (t: string) => `access_token=${encodeURIComponent(t)}`;
    for (const t of [valid, revoked, unknown]) {
      await get(FED, { Authorization: `Bearer ${t}` });
      await get(`${FED}?${q(t)}`);
      await get(`${FED}/x.example/rooms?${q(t)}`);
      await get(`${FED}?${q(t)}`, { Authorization: `Bearer ${t}` }); // both at once: refused
      await post(`${FED}/x.example/reset_connection?${q(t)}`, "{}");
      await get(`/_matrix/client/v3/account/whoami?${q(t)}`);
      await get(`/_matrix/client/v3/profile/%40x%3Ae2e.test?${q(t)}`);
      await get(`/destinations?${q(t)}`); // the console ignores it, and does not log it
      await get(`/_synapse/admin/v1/federation/destinations?limit=bad&${q(t)}`);
      await get(`/health?${q(t)}`);
    }
    expect((await get(FED, { Authorization: `Bearer ${valid}` })).status).toBe(200);
    expect((await get(`${FED}?${q(unknown)}`)).status).toBe(401);

    const matrixLogin = (pw: string) =>
      post(
        "/_matrix/client/v3/login",
        JSON.stringify({ type: "m.login.password", identifier: { type: "m.id.user", user: email }, password: pw }),
      );
    expect((await matrixLogin(wrongPassword)).status).toBe(403);
    const ok = await matrixLogin(password);
    expect(ok.status, ok.text).toBe(200);
    const issued = JSON.parse(ok.text).access_token as string;
    secrets.push(issued);
    await post(`/_matrix/client/v3/logout?${q(issued)}`, "{}");

    // console sign-in: the password travels in a server action's form
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    for (const pw of [wrongPassword, password]) {
      await page.goto("/login");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(pw);
      await page.getByRole("button", { name: "Sign in" }).click();
      if (pw === password) await expect(page.getByTestId("whoami")).toContainText(email);
      else await expect(page.locator("#login-error")).toBeVisible();
    }
    await page.goto(`/audit?${q(valid)}`);
    await context.close();
  } finally {
    await server.stop();
  }
  const out = server.output();
  expect(out).toContain("Serving the console and API"); // the output was captured
  for (const s of secrets) {
    expect(out.includes(s), `a secret (${s.slice(0, 6)}…) is in the server's output`).toBe(false);
    expect(out.includes(encodeURIComponent(s)), `a secret (${s.slice(0, 6)}…, encoded) is in the output`).toBe(false);
  }
  // nor the part after a token's visible prefix, in any spelling
  for (const s of secrets.filter((x) => x.startsWith("fct_")))
    expect(out.includes(s.slice(12)), `the secret part of ${s.slice(0, 8)}…`).toBe(false);
});
