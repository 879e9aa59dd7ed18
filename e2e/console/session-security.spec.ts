// Console sessions (SECURITY.md "Sessions"): the cookie is HttpOnly and SameSite=Lax, and
// Secure behind a TLS-terminating proxy when only FEDCONSOLE_PUBLIC_URL says https (the proxy
// here sends no X-Forwarded-Proto, as a plain TCP/TLS proxy would not); a removed member's
// session ends at once, for pages, actions and API tokens alike.
import net from "node:net";
import tls from "node:tls";
import { test, expect, testEnv, FED } from "../support/fixtures";
import { fedctl, startServer } from "../support/server";
import { raw } from "../api/helpers";
import { createTestCa } from "../../lib/federation/testing/test-ca";
import { login } from "./helpers";

test("the session cookie over plain http: HttpOnly, SameSite=Lax, not Secure", async ({ page, context }) => {
  await login(page, "viewer");
  const cookie = (await context.cookies()).find((c) => c.name === "authjs.session-token");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false, path: "/" });
});

test("behind a TLS-terminating proxy with FEDCONSOLE_PUBLIC_URL=https://…, the session cookie is Secure (and HttpOnly, SameSite=Lax)", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const ca = await createTestCa();
  const cert = await ca.issue({ commonName: "127.0.0.1", ipAddresses: ["127.0.0.1"] });
  let target = 0;
  const sockets = new Set<net.Socket>();
  const proxy = tls.createServer({ cert: cert.certPem, key: cert.keyPem }, (client) => {
    const upstream = net.connect(target, "127.0.0.1");
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const publicUrl = `https://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
  const server = await startServer({
    ...testEnv(),
    FEDCONSOLE_SERVER_NAME: "e2e.test",
    FEDCONSOLE_PUBLIC_URL: publicUrl,
  });
  target = server.port;
  const context = await browser.newContext({ baseURL: publicUrl, ignoreHTTPSErrors: true });
  try {
    const page = await context.newPage();
    await login(page, "operator");
    expect(new URL(page.url()).origin).toBe(publicUrl);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name.endsWith("authjs.session-token"));
    expect(session, JSON.stringify(cookies)).toMatchObject({
      name: "__Secure-authjs.session-token",
      secure: true,
      httpOnly: true,
      sameSite: "Lax",
    });
    // every cookie the sign-in set is Secure
    expect(cookies.filter((c) => !c.secure).map((c) => c.name)).toEqual([]);
    // and the session works through the proxy
    await page.goto("/audit");
    await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  } finally {
    await context.close();
    await server.stop();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  }
});

test("a removed member's session ends at once: pages, server actions and their API tokens", async ({
  browser,
  baseURL,
}) => {
  const email = `removed-${Date.now()}@e2e.test`;
  expect(
    (await fedctl(["users", "add", email, "--role", "operator", "--password", "removed-password-1"], testEnv())).code,
  ).toBe(0);
  const token = (await fedctl(["tokens", "create", email, "--name", "script"], testEnv())).stdout.trim();
  expect((await raw("GET", FED, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await login(page, "operator", { email, password: "removed-password-1" });
  await page.goto("/tokens");
  await expect(page.getByRole("form", { name: "Create an API token" })).toBeVisible();

  expect((await fedctl(["users", "remove", email], testEnv())).code).toBe(0);

  // the page already open: its next action is refused
  const form = page.getByRole("form", { name: "Create an API token" });
  await form.getByLabel("Name").fill("after removal");
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(form.locator("xpath=..").getByRole("alert")).toHaveText("Your session has ended. Sign in again.");
  // the next page asks for a sign-in
  await page.goto("/destinations");
  await expect(page).toHaveURL(/\/login/);
  // the member's API tokens are gone with them
  expect((await raw("GET", FED, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
  await context.close();
});
