// The console's security headers (proxy.ts, lib/http/security-headers.ts; SECURITY.md
// "Headers"): a nonce-based Content-Security-Policy, no framing, no sniffing, no Referer to
// other origins, on every console answer — signed in and out, redirects, 404s, static files —
// and none of it on the API, which keeps Synapse's CORS. The console still works in Chromium
// under that policy: no violation is reported while it is used.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { test, expect, FED, seed } from "../support/fixtures";
import { raw, SYNAPSE_HEADERS } from "../api/helpers";
import { login } from "./helpers";

const COMMON = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
} as const;

/** The policy's directives by name. */
function directives(csp: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of (csp ?? "")
    .split(";")
    .map((x) => x.trim())
    .filter(Boolean)) {
    const [name, ...values] = d.split(/\s+/);
    out[name] = values.join(" ");
  }
  return out;
}

function expectConsoleHeaders(headers: Record<string, string>, what: string) {
  for (const [k, v] of Object.entries(COMMON)) expect(headers[k], `${k} on ${what}`).toBe(v);
  const d = directives(headers["content-security-policy"]);
  expect(d["frame-ancestors"], `frame-ancestors on ${what}`).toBe("'none'");
  expect(d["object-src"], what).toBe("'none'");
  expect(d["script-src"], `script-src on ${what}`).toMatch(/^'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'$/);
  expect(d["script-src"], what).not.toContain("unsafe");
  expect(d["style-src"] ?? "", what).not.toContain("unsafe");
  return d;
}

test("console pages signed out: login, redirects, 404 and the health check's neighbours all carry the headers; each page its own nonce", async () => {
  const nonces = new Set<string>();
  for (const [path, status] of [
    ["/login", 200],
    ["/login?next=%2Faudit", 200],
    ["/destinations", 307],
    ["/", 307],
    ["/no-such-page", 404],
    ["/destinations/x.example/nothing-here", 404],
  ] as const) {
    const res = await raw("GET", path);
    expect(res.status, path).toBe(status);
    const d = expectConsoleHeaders(res.headers, path);
    nonces.add(/'nonce-([^']+)'/.exec(d["script-src"])![1]);
    expect(res.headers["access-control-allow-origin"], path).toBeUndefined();
  }
  expect(nonces.size).toBe(6);
  // the nonce in the header is the one on the page's scripts
  const page = await raw("GET", "/login");
  const nonce = /'nonce-([^']+)'/.exec(page.headers["content-security-policy"])![1];
  const scripts = [...page.text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const s of scripts) expect(s, s).toContain(`nonce="${nonce}"`);
});

test("static files carry a policy that lets nothing run or frame them", async () => {
  const page = await raw("GET", "/login");
  const asset = /\/_next\/static\/[^"']+\.js/.exec(page.text)![0];
  const res = await raw("GET", asset);
  expect(res.status).toBe(200);
  for (const [k, v] of Object.entries(COMMON)) expect(res.headers[k], k).toBe(v);
  expect(directives(res.headers["content-security-policy"])).toEqual({
    "default-src": "'none'",
    "frame-ancestors": "'none'",
  });
});

test("the API keeps Synapse's headers and CORS and gets none of the console's", async () => {
  await seed([{ destination: "headers.example", retry_last_ts: 0, retry_interval: 0 }]);
  for (const [method, path, role] of [
    ["GET", FED, "viewer"],
    ["GET", `${FED}/headers.example`, "viewer"],
    ["GET", `${FED}/nope.example`, "viewer"],
    ["GET", FED, null],
    ["GET", "/_matrix/client/versions", null],
    ["POST", "/_matrix/client/v3/login", null],
    ["GET", "/_synapse/admin/v1/server_version", null],
    ["GET", "/.well-known/matrix/client", null],
    ["GET", "/_fedconsole/v1/nothing", null],
    ["OPTIONS", FED, null],
  ] as const) {
    const res = await raw(method, path, { role, body: method === "POST" ? "{}" : undefined });
    const what = `${method} ${path} → ${res.status}`;
    expect(res.headers["access-control-allow-origin"], what).toBe(SYNAPSE_HEADERS["access-control-allow-origin"]);
    expect(res.headers["access-control-allow-headers"], what).toBe(SYNAPSE_HEADERS["access-control-allow-headers"]);
    for (const h of ["content-security-policy", "x-frame-options", "referrer-policy", "cross-origin-opener-policy"])
      expect(res.headers[h], `${h} on ${what}`).toBeUndefined();
  }
});

test("signed in: every page and a server action's answer carry the headers, and the console works with no CSP violation", async ({
  page,
  context,
}) => {
  await seed([{ destination: "csp.example", retry_last_ts: Date.now() - 1, retry_interval: 600_000, failure_ts: 1 }]);
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) violations.push(m.text());
  });
  const answers: { url: string; headers: Record<string, string> }[] = [];
  page.on("response", (r) => {
    if (new URL(r.url()).origin === new URL(process.env.E2E_BASE_URL!).origin)
      answers.push({ url: `${r.request().method()} ${r.url()}`, headers: r.headers() });
  });
  await login(page, "operator");
  for (const path of [
    "/destinations?status=failing",
    "/destinations/csp.example",
    "/audit",
    "/tokens",
    "/no-such-page",
  ]) {
    const res = await page.goto(path);
    expectConsoleHeaders(res!.headers(), `${path} signed in`);
  }
  // interactive parts still work: a client component (the reset button, a server action) and navigation
  await page.goto("/destinations/csp.example");
  await page.getByRole("button", { name: "Reset connection" }).click();
  await expect(page.getByTestId("detail-status")).toContainText("Retrying now");
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByTestId("audit").locator("tbody tr").first()).toContainText("csp.example");
  expect(violations).toEqual([]);
  const documents = answers.filter((a) => !a.url.includes("/_next/static/"));
  expect(documents.length).toBeGreaterThan(3);
  for (const a of documents) expect(a.headers["x-frame-options"], a.url).toBe("DENY");
  expect((await context.cookies()).some((c) => c.name.endsWith("authjs.session-token"))).toBe(true);
});

test("a page of another origin cannot frame the console (clickjacking)", async ({ page, baseURL }) => {
  // Another origin (a server of the test's own, on the loopback too: Chromium does not let a
  // public page frame a local one at all) frames the console's login page and, as a control,
  // an API answer (which sets no framing rule): the control loads, the console does not.
  const other = http.createServer((_req, res) => {
    res.setHeader("Content-Type", "text/html");
    res.end(
      `<iframe id="console" src="${baseURL}/login"></iframe><iframe id="control" src="${baseURL}/_matrix/client/versions"></iframe>`,
    );
  });
  await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
  try {
    await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
    await expect(page.frameLocator("#control").locator("body")).toContainText("versions");
    const framed = page.frameLocator("#console");
    await page.waitForTimeout(1_000); // the console frame had the same time to load
    await expect(framed.getByLabel("Email")).toHaveCount(0);
    await expect(framed.getByText("Sign in with your team account.")).toHaveCount(0);
  } finally {
    other.closeAllConnections();
    await new Promise<void>((resolve) => other.close(() => resolve()));
  }
  // while the same page opens normally at the top level
  await page.goto("/login");
  await expect(page.getByLabel("Email")).toBeVisible();
});
