// Malformed console URLs: bad percent-encoding, overlong segments and odd bytes in every path
// segment and query parameter of every console page, signed in and signed out. None may answer
// 5xx: a malformed address is the visitor's mistake (400 or 404 page), never a server error.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { test, expect } from "@playwright/test";
import { ROOT } from "../support/server";
import { login } from "./helpers";

/** Every console page, with the query parameters its schema reads (plus one it does not). */
const PAGES: Record<string, string[]> = {
  "/": ["x"],
  "/login": ["next", "signed_out", "x"],
  "/destinations": ["q", "status", "sort", "dir", "page", "size", "x"],
  "/destinations/example.org": ["rooms_from", "rooms_dir", "check", "x"],
  "/audit": ["user", "destination", "before", "x"],
  "/team": ["x"],
  "/tokens": ["x"],
  "/sync": ["x"],
  "/health": ["x"],
  "/check": ["check", "x"],
  "/overview": ["range", "x"],
  "/account": ["changed", "x"],
  "/webhooks": ["x"],
  "/setup": ["x"],
  "/events/destinations": ["w", "since", "x"],
  "/export/destinations": ["q", "status", "format", "x"],
  "/metrics": ["x"],
};

/** Percent-encoding that does not decode, overlong UTF-8, surrogates, NUL, control and odd characters. */
const BAD = [
  "%",
  "%Z",
  "%ZZ",
  "%%",
  "%E0%A4%A",
  "%C0%AF",
  "%C0%80",
  "%ED%A0%80",
  "%F4%90%80%80",
  "%FF",
  "%FE%FF",
  "%00",
  "%0D%0A",
  "%2e%2e",
  "..",
  "%2F",
  "%5C",
  "%25",
  "%u0041",
  "<script>",
  "'\"",
  "[::1]",
  "x".repeat(8_000),
  "%E2%82".repeat(500),
];
/** Raw bytes a client may put in a request line (not percent-encoded at all). */
const RAW = [Buffer.from([0xff]), Buffer.from([0xc3, 0x28]), Buffer.from("é"), Buffer.from([0x7f])];

/** Routes found in app/: a page.tsx or route.ts under app/, as a URL path (dynamic segments as [x]). */
function appRoutes(): string[] {
  const found: string[] = [];
  const walk = (dir: string, url: string[]) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        const seg = e.name.startsWith("(") || e.name.startsWith("_") ? null : e.name;
        walk(path.join(dir, e.name), seg === null ? url : [...url, seg]);
      } else if (e.name === "page.tsx" || e.name === "route.ts") found.push("/" + url.join("/"));
    }
  };
  walk(path.join(ROOT, "app"), []);
  return found;
}

/** One GET with the exact bytes of `target` in the request line; resolves with the status. */
function rawGet(base: URL, target: Buffer, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(base.port), base.hostname);
    let head = "";
    s.setTimeout(30_000, () => s.destroy(new Error(`timeout on ${target.toString("latin1").slice(0, 80)}`)));
    s.on("error", reject);
    s.on("data", (d) => {
      head += d.toString("latin1");
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      if (m) {
        resolve(Number(m[1]));
        s.destroy();
      }
    });
    s.on("end", () => reject(new Error(`no status line for ${target.toString("latin1").slice(0, 80)}`)));
    const headers = `Host: ${base.host}\r\nConnection: close\r\n${cookie ? `Cookie: ${cookie}\r\n` : ""}\r\n`;
    s.write(Buffer.concat([Buffer.from("GET "), target, Buffer.from(` HTTP/1.1\r\n${headers}`)]));
  });
}

/** Every fuzzed request target: bad path segments, then bad values and names of every parameter. */
function targets(): Buffer[] {
  const out: Buffer[] = [];
  const bad = [...BAD.map((b) => Buffer.from(b)), ...RAW];
  for (const b of bad) {
    for (const [pre, post] of [
      ["/", ""],
      ["/destinations/", ""],
      ["/destinations/", "/x"],
      ["/destinations/x", ""],
      ["/audit/", ""],
      ["/login/", ""],
      ["/team/", ""],
      ["/tokens/", ""],
    ]) {
      out.push(Buffer.concat([Buffer.from(pre), b, Buffer.from(post)]));
    }
  }
  for (const [page, params] of Object.entries(PAGES)) {
    bad.forEach((b, i) => {
      const name = params[i % params.length];
      out.push(Buffer.concat([Buffer.from(`${page}?${name}=`), b]));
      if (i < 6) out.push(Buffer.concat([Buffer.from(`${page}?${name}=`), b, Buffer.from(`&${name}=`), b]));
      out.push(Buffer.concat([Buffer.from(`${page}?`), b, Buffer.from("=1")]));
    });
    out.push(Buffer.from(`${page}?${params.map((p) => `${p}=%ZZ`).join("&")}`));
  }
  return out;
}

async function fuzz(base: URL, cookie: string): Promise<string[]> {
  const list = targets();
  const fivexx: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const t = list[next++];
      const status = await rawGet(base, t, cookie);
      if (status >= 500) fivexx.push(`${status} ${t.toString("latin1").slice(0, 120)}`);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return fivexx;
}

/** The cases from the report: a clear 400 or 404, never 500. */
const REPORTED = ["/destinations/%", "/destinations/%ZZ", "/destinations/%E0%A4%A", "/destinations/%C0%AF"];

test("every page of app/ is in the fuzz's list", () => {
  const known = new Set(
    Object.keys(PAGES).map((p) => p.replace(/^\/destinations\/example\.org$/, "/destinations/[destination]")),
  );
  const api = (r: string) => /^\/(%5F|\.well-known|api\/)/.test(r);
  expect(appRoutes().filter((r) => !api(r) && !known.has(r))).toEqual([]);
});

test("malformed console URLs, signed out: no 5xx", async ({ baseURL }) => {
  test.setTimeout(180_000);
  const base = new URL(baseURL!);
  const fivexx = await fuzz(base, "");
  expect(fivexx).toEqual([]);
  for (const p of REPORTED) expect([400, 404], p).toContain(await rawGet(base, Buffer.from(p), ""));
});

test("malformed console URLs, signed in: no 5xx", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  await login(page, "admin");
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const base = new URL(baseURL!);
  expect(await rawGet(base, Buffer.from("/destinations"), cookie)).toBe(200); // the session works
  const fivexx = await fuzz(base, cookie);
  expect(fivexx).toEqual([]);
  for (const p of REPORTED) expect([400, 404], p).toContain(await rawGet(base, Buffer.from(p), cookie));
});
