import { after, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { JsonNumber } from "../destinations/exact-json";
import { createIpGuard } from "../federation/ip-guard";
import { createTestCa } from "../federation/testing/test-ca";
import { loadSettings } from "../settings/settings";
import { UpstreamError } from "./types";
import { UpstreamClient, type UpstreamClientOptions } from "./upstream-client";
import { upstreamIpGuard } from "./upstream-ip-guard";

const TOKEN = "syt_c2VjcmV0_TOKEN_never_shown_1234";
const LOOPBACK_OPEN = createIpGuard({ allowlist: ["127.0.0.0/8", "::1/128"] });
const CLOSED = createIpGuard(); // Synapse's default blocklist: loopback blocked

type Seen = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string };
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

const servers: http.Server[] = [];
after(() => {
  for (const s of servers) s.closeAllConnections();
  for (const s of servers) s.close();
});

async function serve(handler: Handler, server: http.Server = http.createServer()) {
  const seen: Seen[] = [];
  const counts = { connections: 0 };
  server.on("connection", () => counts.connections++);
  server.on("secureConnection", () => counts.connections++);
  server.on("request", (req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { port, url: `http://127.0.0.1:${port}`, seen, counts };
}

const json = (
  res: http.ServerResponse,
  status: number,
  body: string | Buffer,
  headers: http.OutgoingHttpHeaders = {},
) => {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(body);
};

function client(baseUrl: string, extra: Partial<UpstreamClientOptions> = {}) {
  return new UpstreamClient({ baseUrl, token: TOKEN, timeoutMs: 5_000, ipGuard: LOOPBACK_OPEN, ...extra });
}

/** Runs `work`, expects an UpstreamError of `kind`, and checks the token appears nowhere in it. */
async function failsWith(
  work: Promise<unknown>,
  kind: UpstreamError["kind"],
  message?: RegExp,
): Promise<UpstreamError> {
  const e = await work.then(
    () => assert.fail("expected an UpstreamError"),
    (x: unknown) => x,
  );
  assert.ok(e instanceof UpstreamError, `got ${String(e)}`);
  assert.equal(e.kind, kind, e.message);
  if (message) assert.match(e.message, message);
  const everything = `${e.message} ${e.stack} ${JSON.stringify(e.matrix ?? {})} ${String(e)}`;
  assert.ok(!everything.includes(TOKEN), `token leaked: ${everything}`);
  return e;
}

const signal = () => AbortSignal.timeout(10_000);

test("GET sends the bearer token to the configured origin and path prefix; bodies parse exactly", async () => {
  const s = await serve((_req, res) => json(res, 200, '{"n":9007199254740993,"m":9223372036854775807}'));
  const c = client(`${s.url}/synapse`);
  const res = await c.get("/_synapse/admin/v1/federation/destinations?from=0", signal());
  assert.equal(res.status, 200);
  assert.ok(res.json instanceof Map);
  assert.deepEqual(res.json.get("n"), new JsonNumber("9007199254740993"));
  assert.deepEqual(res.json.get("m"), new JsonNumber("9223372036854775807"));
  assert.equal(s.seen[0].url, "/synapse/_synapse/admin/v1/federation/destinations?from=0");
  assert.equal(s.seen[0].headers.authorization, `Bearer ${TOKEN}`);
  assert.equal(c.host, `127.0.0.1:${s.port}`);

  const post = await c.post("/reset", "{}", signal());
  assert.equal(post.status, 200);
  assert.equal(s.seen[1].method, "POST");
  assert.equal(s.seen[1].body, "{}");
  assert.equal(s.seen[1].headers["content-type"], "application/json");
  await c.close();
});

test("a redirect is an error and is never followed (the token stays home)", async () => {
  const elsewhere = await serve((_req, res) => json(res, 200, "{}"));
  const s = await serve((_req, res) => {
    res.writeHead(302, { Location: `${elsewhere.url}/steal` });
    res.end();
  });
  const e = await failsWith(client(s.url).get("/x", signal()), "http", /302, a redirect to .*: not followed/);
  assert.equal(e.status, 302);
  assert.equal(elsewhere.seen.length, 0);
  assert.equal(elsewhere.counts.connections, 0);
});

test("401/403 are unauthorized with the upstream's errcode; other statuses http with `matrix`", async () => {
  const s = await serve((req, res) => {
    if (req.url === "/401")
      json(res, 401, '{"errcode":"M_UNKNOWN_TOKEN","error":"Invalid access token passed.","soft_logout":false}');
    else if (req.url === "/403") json(res, 403, '{"errcode":"M_FORBIDDEN","error":"You are not a server admin"}');
    else if (req.url === "/500") json(res, 500, "<html>oops</html>", { "Content-Type": "text/html" });
    else json(res, 404, '{"errcode":"M_NOT_FOUND","error":"Unknown destination"}');
  });
  const c = client(s.url);
  for (const [path, status, errcode] of [
    ["/401", 401, "M_UNKNOWN_TOKEN"],
    ["/403", 403, "M_FORBIDDEN"],
  ] as const) {
    const res = await c.get(path, signal());
    const e = c.statusError("GET", path, res);
    assert.equal(e.kind, "unauthorized");
    assert.equal(e.status, status);
    assert.equal(e.matrix?.errcode, errcode);
    assert.match(e.message, new RegExp(`refused the access token \\(${status}: ${errcode} `));
  }
  const notFound = c.statusError("GET", "/404?x=1", await c.get("/404", signal()));
  assert.equal(notFound.kind, "http");
  assert.deepEqual(notFound.matrix, { errcode: "M_NOT_FOUND", error: "Unknown destination" });
  assert.match(notFound.message, /answered 404 to GET \/404: M_NOT_FOUND Unknown destination$/);
  const html = c.statusError("GET", "/500", await c.get("/500", signal()));
  assert.equal(html.kind, "http");
  assert.equal(html.matrix, undefined);
});

test("the token never appears in an error, even when the upstream echoes it", async () => {
  const s = await serve((req, res) => {
    const echoed = `you sent ${req.headers.authorization}`;
    if (req.url === "/json") json(res, 500, JSON.stringify({ errcode: "M_UNKNOWN", error: echoed }));
    else if (req.url === "/401") json(res, 401, JSON.stringify({ errcode: "M_UNKNOWN_TOKEN", error: echoed }));
    else {
      res.writeHead(302, { Location: `http://x.example/?t=${TOKEN}` });
      res.end();
    }
  });
  const c = client(s.url);
  for (const path of ["/json", "/401"]) {
    const e = c.statusError("GET", path, await c.get(path, signal()));
    await failsWith(Promise.reject(e), path === "/401" ? "unauthorized" : "http", /\[token\]/);
  }
  await failsWith(c.get("/redirect", signal()), "http", /\[token\]/);
});

test("a request that hangs times out; a caller's deadline too; a cancellation rethrows its reason", async () => {
  const s = await serve(() => {});
  const started = Date.now();
  await failsWith(client(s.url, { timeoutMs: 200 }).get("/hang", signal()), "timeout", /timed out after 200 ms/);
  assert.ok(Date.now() - started < 3_000);
  await failsWith(client(s.url).get("/hang", AbortSignal.timeout(150)), "timeout");
  const controller = new AbortController();
  const pending = client(s.url).get("/hang", controller.signal);
  setTimeout(() => controller.abort(new Error("shutting down")), 50);
  await assert.rejects(pending, /shutting down/);
});

test("answers above the size cap and non-JSON answers are bad_response", async () => {
  const s = await serve((req, res) => {
    if (req.url === "/declared") json(res, 200, "[" + "1,".repeat(999) + "1]");
    else if (req.url === "/chunked") {
      res.writeHead(200, { "Content-Type": "application/json" });
      for (let i = 0; i < 10; i++) res.write("[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]");
      res.end();
    } else if (req.url === "/latin1") json(res, 200, Buffer.from([0x22, 0xff, 0x22]));
    else json(res, 200, "<html>proxy error</html>", { "Content-Type": "text/html" });
  });
  const c = client(s.url, { maxResponseBytes: 300 });
  await failsWith(c.get("/declared", signal()), "bad_response", /larger than 300 bytes/);
  await failsWith(c.get("/chunked", signal()), "bad_response", /larger than 300 bytes/);
  await failsWith(c.get("/html", signal()), "bad_response", /is not JSON \(Content-Type text\/html\)/);
  await failsWith(c.get("/latin1", signal()), "bad_response", /the body is not UTF-8/);
});

test("refused and unknown hosts are unreachable", async () => {
  const s = await serve(() => {});
  const port = s.port;
  await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
  await failsWith(client(`http://127.0.0.1:${port}`).get("/", signal()), "unreachable", /connection refused/);
  const dns = { lookup: async () => Promise.reject(Object.assign(new Error("nope"), { code: "ENOTFOUND" })) };
  await failsWith(client("http://nowhere.test", { dns }).get("/", signal()), "unreachable", /no such host/);
});

test("the IP guard refuses blocked addresses before any connection (IP literal, name, any address of a name)", async () => {
  const s = await serve((_req, res) => json(res, 200, "{}"));
  // 127.0.0.0/8 blocked (federation default) and not allowed for the upstream.
  await failsWith(
    client(s.url, { ipGuard: CLOSED }).get("/", signal()),
    "unreachable",
    /127\.0\.0\.1 is in the IP range blocklist/,
  );
  const one = { lookup: async () => [{ address: "127.0.0.1", family: 4 }] };
  await failsWith(
    client(`http://upstream.test:${s.port}`, { ipGuard: CLOSED, dns: one }).get("/", signal()),
    "unreachable",
    /upstream\.test resolves to 127\.0\.0\.1, which is in the IP range blocklist/,
  );
  const mixed = {
    lookup: async () => [
      { address: "127.0.0.1", family: 4 },
      { address: "169.254.169.254", family: 4 },
    ],
  };
  await failsWith(
    client(`http://upstream.test:${s.port}`, { dns: mixed }).get("/", signal()),
    "unreachable",
    /resolves to 169\.254\.169\.254, which/,
  );
  assert.equal(s.counts.connections, 0);

  // The same name resolving to an allowed address connects to exactly that address.
  const res = await client(`http://upstream.test:${s.port}`, { dns: one }).get("/ok", signal());
  assert.equal(res.status, 200);
  assert.equal(s.seen[0].headers.host, `upstream.test:${s.port}`);
  assert.equal(s.counts.connections, 1);
});

test("with the settings' guard, cloud metadata stays blocked and the operator's network is open", async () => {
  const st = loadSettings({ FEDCONSOLE_UPSTREAM_URL: "http://169.254.169.254", FEDCONSOLE_UPSTREAM_TOKEN: TOKEN });
  const guard = upstreamIpGuard(st.attempts, st.upstream!);
  assert.equal(guard.isBlocked("169.254.169.254"), true);
  assert.equal(guard.isBlocked("10.1.2.3"), false);
  assert.equal(guard.isBlocked("127.0.0.1"), false);
  assert.equal(guard.isBlocked("fd00::1"), false);
  assert.equal(guard.isBlocked("224.0.0.1"), true);
  const started = Date.now();
  await failsWith(
    new UpstreamClient({ baseUrl: st.upstream!.url!, token: TOKEN, timeoutMs: 5_000, ipGuard: guard }).get(
      "/",
      signal(),
    ),
    "unreachable",
    /169\.254\.169\.254 is in the IP range blocklist/,
  );
  assert.ok(Date.now() - started < 1_000, "refused without trying to connect");
});

test("https: certificates are verified; FEDERATION_CA_FILE's CA is trusted", async () => {
  const ca = await createTestCa();
  const cert = await ca.issue({ commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] });
  const s = await serve(
    (_req, res) => json(res, 200, '{"ok":true}'),
    https.createServer({ cert: cert.certPem, key: cert.keyPem }),
  );
  const url = `https://127.0.0.1:${s.port}`;
  const res = await client(url, { ca: ca.caPem }).get("/", signal());
  assert.equal(res.status, 200);
  await failsWith(client(url).get("/", signal()), "unreachable", /TLS certificate of 127\.0\.0\.1:\d+ not accepted/);
});

test("a kept-alive connection closed as it is reused: a GET goes again on a new one; a POST always gets its own", async () => {
  const perSocket = new WeakMap<object, number>();
  const s = await serve((req, res) => {
    const n = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, n);
    if (req.url === "/stale" && n === 2) return void req.socket.destroy(); // as an idle timeout would
    json(res, 200, "{}");
  });
  const c = client(s.url);
  assert.equal((await c.get("/first", signal())).status, 200);
  assert.equal((await c.get("/stale", signal())).status, 200);
  assert.deepEqual(
    s.seen.map((x) => x.url),
    ["/first", "/stale", "/stale"],
    "the stale connection saw the request and closed; the retry was answered",
  );
  assert.equal(s.counts.connections, 2);
  await c.post("/reset", "{}", signal());
  await c.post("/reset", "{}", signal());
  assert.equal(s.counts.connections, 4);
  await c.close();
});

test("the client object never shows the token when inspected", async () => {
  const { inspect } = await import("node:util");
  const c = client("http://127.0.0.1:1");
  assert.ok(!inspect(c, { depth: 10, showHidden: true }).includes(TOKEN));
  assert.ok(!JSON.stringify(c).includes(TOKEN));
});
