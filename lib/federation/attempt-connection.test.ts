// One suite (over ~300 lines on purpose): every outcome of a connection attempt, against one
// fake fleet started once for all of its tests.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  attemptConnection,
  attemptOptionsFrom,
  WellKnownCache,
  type AttemptOptions,
  type AttemptResult,
} from "./attempt-connection";
import { loadSettings } from "../settings/settings";
import { createIpGuard } from "./ip-guard";
import { createFakeDns, type FakeDnsZone } from "./testing/fake-dns";
import {
  LOOPBACK_ALLOWLIST,
  VERSION_PATH,
  WELL_KNOWN_PATH,
  startFakeFleet,
  type FakeFleet,
} from "./testing/fake-fleet";

let fleet: FakeFleet;
const openGuard = createIpGuard({ allowlist: LOOPBACK_ALLOWLIST });

before(async () => {
  fleet = await startFakeFleet([
    { name: "healthy", behaviour: "healthy" },
    { name: "healthy6", behaviour: "healthy", host: "::1" },
    { name: "down", behaviour: "down" },
    { name: "e500", behaviour: "status500" },
    { name: "e401", behaviour: "status401" },
    { name: "e429", behaviour: "status429" },
    { name: "e404", behaviour: "status404" },
    { name: "hang", behaviour: "hang" },
    { name: "slow", behaviour: { kind: "slow", delayMs: 150 } },
    { name: "badjson", behaviour: "invalidJson" },
    { name: "html", behaviour: "badContentType" },
    { name: "flap", behaviour: "flapping" },
    { name: "expired", behaviour: "expiredCert" },
    { name: "wrongname", behaviour: "wrongNameCert" },
    { name: "wk", behaviour: { kind: "wellKnown", delegateTo: "healthy" } },
  ]);
});
after(() => fleet.close());

function opts(extra: Partial<AttemptOptions> = {}): AttemptOptions {
  return { timeoutMs: 3000, ipGuard: openGuard, ca: fleet.caPem, ...extra };
}

function attempt(name: string, extra: Partial<AttemptOptions> = {}): Promise<AttemptResult> {
  return attemptConnection(fleet.server(name).serverName, opts(extra));
}

type Expected = Pick<AttemptResult, "outcome" | "stage" | "reason">;
function assertResult(result: AttemptResult, expected: Expected): void {
  assert.deepEqual(
    { outcome: result.outcome, stage: result.stage, reason: result.reason },
    expected,
    JSON.stringify(result),
  );
}

test("IP literal with port, healthy → success with software and version", async () => {
  const server = fleet.server("healthy");
  const result = await attempt("healthy");
  assert.equal(typeof result.durationMs, "number");
  assert.deepEqual(
    { ...result, durationMs: 0, certNotAfterMs: 0 },
    {
      outcome: "success",
      stage: "done",
      reason: null,
      message: null,
      httpStatus: 200,
      resolvedAddress: `127.0.0.1:${server.port}`,
      serverSoftware: "FakeSynapse",
      serverVersion: "1.2.3",
      durationMs: 0,
      certNotAfterMs: 0, // its own test below
    },
  );
});

test("IPv6 literal [::1]:port → success, address written with brackets", async () => {
  const result = await attempt("healthy6");
  assertResult(result, { outcome: "success", stage: "done", reason: null });
  assert.equal(result.resolvedAddress, `[::1]:${fleet.server("healthy6").port}`);
});

test("closed port → failure CONNECT_REFUSED", async () => {
  const port = fleet.server("down").port;
  const result = await attempt("down");
  assertResult(result, { outcome: "failure", stage: "connect", reason: "CONNECT_REFUSED" });
  assert.equal(result.message, `connection refused by 127.0.0.1:${port}`);
  assert.equal(result.resolvedAddress, `127.0.0.1:${port}`);
});

test("HTTP statuses: 500, 401, 429 → failure; 404 → neutral", async () => {
  const e500 = await attempt("e500");
  assertResult(e500, { outcome: "failure", stage: "http", reason: "HTTP_5XX" });
  assert.equal(e500.httpStatus, 500);
  assert.match(e500.message ?? "", /answered HTTP 500/);
  assertResult(await attempt("e401"), { outcome: "failure", stage: "http", reason: "HTTP_401" });
  assertResult(await attempt("e429"), { outcome: "failure", stage: "http", reason: "HTTP_429" });
  const e404 = await attempt("e404");
  assertResult(e404, { outcome: "neutral", stage: "http", reason: "HTTP_404" });
  assert.equal(e404.httpStatus, 404);
});

test("a server that never answers → failure TIMEOUT within about the timeout", async () => {
  const result = await attempt("hang", { timeoutMs: 600 });
  assertResult(result, { outcome: "failure", stage: "http", reason: "TIMEOUT" });
  assert.ok(result.durationMs >= 550 && result.durationMs < 1500, `took ${result.durationMs} ms`);
  assert.match(result.message ?? "", /timed out waiting for a response from 127\.0\.0\.1:\d+/);
});

test("slow: within the timeout → success; beyond it → TIMEOUT", async () => {
  assertResult(await attempt("slow", { timeoutMs: 2000 }), { outcome: "success", stage: "done", reason: null });
  assertResult(await attempt("slow", { timeoutMs: 80 }), { outcome: "failure", stage: "http", reason: "TIMEOUT" });
});

test("certificates: expired, wrong name, untrusted", async () => {
  const expired = await attempt("expired");
  assertResult(expired, { outcome: "failure", stage: "tls", reason: "CERT_EXPIRED" });
  assert.match(expired.message ?? "", /^certificate has expired/);
  assertResult(await attempt("wrongname"), { outcome: "failure", stage: "tls", reason: "CERT_NAME_MISMATCH" });
  assertResult(await attempt("healthy", { ca: undefined }), {
    outcome: "failure",
    stage: "tls",
    reason: "CERT_UNTRUSTED",
  });
});

test("blocked address (no allowlist) → IP_BLOCKED and the server is never contacted", async () => {
  const server = fleet.server("healthy");
  server.resetCounts();
  const result = await attempt("healthy", { ipGuard: createIpGuard() });
  assertResult(result, { outcome: "failure", stage: "dns", reason: "IP_BLOCKED" });
  assert.equal(result.resolvedAddress, null);
  assert.equal(server.requests.total, 0);
  assert.equal(server.connections, 0);

  // Same through a name: neither the .well-known server nor the delegate is touched.
  const wk = fleet.server("wk");
  wk.resetCounts();
  const dns = createFakeDns({ hosts: { localhost: ["127.0.0.1"] } });
  const byName = await attemptConnection("localhost", opts({ ipGuard: createIpGuard(), dns, wellKnownPort: wk.port }));
  assertResult(byName, { outcome: "failure", stage: "dns", reason: "IP_BLOCKED" });
  assert.equal(wk.connections + server.connections, 0);
});

test("a 2xx with an unusable body is still a success, with the problem recorded", async () => {
  const badJson = await attempt("badjson");
  assertResult(badJson, { outcome: "success", stage: "done", reason: "INVALID_JSON" });
  assert.equal(badJson.serverSoftware, null);
  const html = await attempt("html");
  assertResult(html, { outcome: "success", stage: "done", reason: "BAD_CONTENT_TYPE" });
  assert.match(html.message ?? "", /got "text\/html"/);
});

test("flapping alternates failure and success", async () => {
  const outcomes = [];
  for (let i = 0; i < 4; i++) outcomes.push((await attempt("flap")).outcome);
  assert.deepEqual(outcomes, ["failure", "success", "failure", "success"]);
});

test(".well-known delegation via localhost on the fleet server's port, cached between attempts", async () => {
  const wk = fleet.server("wk");
  const healthy = fleet.server("healthy");
  wk.resetCounts();
  healthy.resetCounts();
  // Real resolver here: "localhost" comes from /etc/hosts; with a port in m.server no SRV query is made.
  const shared = opts({ wellKnownPort: wk.port, wellKnownCache: new WellKnownCache() });
  const first = await attemptConnection("localhost", shared);
  assertResult(first, { outcome: "success", stage: "done", reason: null });
  assert.equal(first.serverSoftware, "FakeSynapse");
  assert.equal(first.resolvedAddress, `127.0.0.1:${healthy.port}`);
  assert.equal(wk.requests.count(WELL_KNOWN_PATH), 1);
  assert.equal(healthy.requests.count(VERSION_PATH), 1);

  await attemptConnection("localhost", shared);
  assert.equal(wk.requests.count(WELL_KNOWN_PATH), 1, "second attempt uses the cached delegation");
  assert.equal(healthy.requests.count(VERSION_PATH), 2);
});

test("SRV: the target is connected to, the certificate is checked for the server name", async () => {
  const zone: FakeDnsZone = {
    hosts: { localhost: ["127.0.0.1"], "srv-target.test": ["127.0.0.1"], "dead-target.test": ["127.0.0.1"] },
    srv: {
      "_matrix-fed._tcp.localhost": [
        { name: "dead-target.test", port: fleet.server("down").port, priority: 1, weight: 0 },
        { name: "srv-target.test", port: fleet.server("healthy").port, priority: 2, weight: 0 },
      ],
    },
  };
  // No .well-known: its port is closed.
  const result = await attemptConnection(
    "localhost",
    opts({ dns: createFakeDns(zone), wellKnownPort: fleet.server("down").port }),
  );
  assertResult(result, { outcome: "success", stage: "done", reason: null });
  assert.equal(result.resolvedAddress, `127.0.0.1:${fleet.server("healthy").port}`);

  // A wrong-name certificate behind the SRV target fails on the server name, not the target.
  const wrong: FakeDnsZone = {
    hosts: { "srv-target.test": ["127.0.0.1"] },
    srv: {
      "_matrix-fed._tcp.localhost": [
        { name: "srv-target.test", port: fleet.server("wrongname").port, priority: 1, weight: 0 },
      ],
    },
  };
  const mismatch = await attemptConnection(
    "localhost",
    opts({ dns: createFakeDns(wrong), wellKnownPort: fleet.server("down").port }),
  );
  assertResult(mismatch, { outcome: "failure", stage: "tls", reason: "CERT_NAME_MISMATCH" });
  assert.match(mismatch.message ?? "", /not valid for localhost/);
});

test("SRV lookup error and unknown names fail in the dns stage", async () => {
  const zone: FakeDnsZone = { srv: { "_matrix-fed._tcp.broken.test": { errorCode: "ETIMEOUT" } } };
  const down = fleet.server("down").port;
  assertResult(await attemptConnection("broken.test", opts({ dns: createFakeDns(zone), wellKnownPort: down })), {
    outcome: "failure",
    stage: "dns",
    reason: "SRV_ERROR",
  });
  assertResult(await attemptConnection("nowhere.test:8448", opts({ dns: createFakeDns({}) })), {
    outcome: "failure",
    stage: "dns",
    reason: "DNS_NXDOMAIN",
  });
});

test("invalid server names → neutral INVALID_SERVER_NAME, nothing resolved", async () => {
  const dns = createFakeDns({});
  for (const name of ["", "bad name", "host:99999", "::1", "[::1"]) {
    const result = await attemptConnection(name, opts({ dns }));
    assertResult(result, { outcome: "neutral", stage: "name", reason: "INVALID_SERVER_NAME" });
    assert.match(result.message ?? "", /invalid server name/);
  }
  assert.deepEqual(dns.queries, []);
});

test("an external cancellation is neutral, not a failure", async () => {
  const controller = new AbortController();
  // Cancel once the request is with the server (a fixed delay can land in TLS on a busy machine).
  const hang = fleet.server("hang");
  const before = hang.requests.count(VERSION_PATH);
  const poll = setInterval(() => {
    if (hang.requests.count(VERSION_PATH) > before) controller.abort();
  }, 10);
  const result = await attempt("hang", { signal: controller.signal }).finally(() => clearInterval(poll));
  assertResult(result, { outcome: "neutral", stage: "http", reason: "CANCELLED" });
});

/** Attempt options from settings parsed out of `env`, as the scheduler builds them. */
const loadAttemptOptions = (env: Record<string, string>) => attemptOptionsFrom(loadSettings(env).attempts);

test("loadAttemptOptions: defaults, settings, and clear errors", async () => {
  const defaults = loadAttemptOptions({});
  assert.equal(defaults.timeoutMs, 10_000);
  assert.equal(defaults.wellKnownPort, 443);
  assert.equal(defaults.ca, undefined);
  assert.ok(defaults.ipGuard.isBlocked("127.0.0.1"));
  assert.ok(defaults.wellKnownCache instanceof WellKnownCache);

  const dir = mkdtempSync(path.join(tmpdir(), "fedca-"));
  try {
    const caFile = path.join(dir, "ca.pem");
    writeFileSync(caFile, fleet.caPem);
    const loaded = loadAttemptOptions({
      FEDERATION_ATTEMPT_TIMEOUT: "5s",
      FEDERATION_CA_FILE: caFile,
      FEDERATION_WELL_KNOWN_PORT: "8443",
      FEDERATION_IP_RANGE_ALLOWLIST: LOOPBACK_ALLOWLIST.join(","),
    });
    assert.equal(loaded.timeoutMs, 5000);
    assert.equal(loaded.wellKnownPort, 8443);
    assert.equal(loaded.ca, fleet.caPem);
    // The loaded options reach the fleet end to end.
    assertResult(await attemptConnection(fleet.server("healthy").serverName, loaded), {
      outcome: "success",
      stage: "done",
      reason: null,
    });

    const notPem = path.join(dir, "not.pem");
    writeFileSync(notPem, "hello");
    assert.throws(
      () => loadAttemptOptions({ FEDERATION_CA_FILE: notPem }),
      /FEDERATION_CA_FILE: .* contains no PEM certificate/,
    );
    assert.throws(
      () => loadAttemptOptions({ FEDERATION_CA_FILE: path.join(dir, "missing.pem") }),
      /FEDERATION_CA_FILE: cannot read/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(
    () => loadAttemptOptions({ FEDERATION_ATTEMPT_TIMEOUT: "soon" }),
    /FEDERATION_ATTEMPT_TIMEOUT must be a duration/,
  );
  assert.throws(() => loadAttemptOptions({ FEDERATION_ATTEMPT_TIMEOUT: "0" }), /greater than 0/);
  assert.throws(
    () => loadAttemptOptions({ FEDERATION_WELL_KNOWN_PORT: "70000" }),
    /FEDERATION_WELL_KNOWN_PORT must be a port number/,
  );
});

test("a TLS attempt reports the notAfter of the certificate the server presented (certificate-expiry alerts)", async () => {
  const r = await attempt("healthy");
  assert.equal(r.outcome, "success");
  // The fleet's certificates are valid for 30 days from the fleet's start.
  const in30d = Date.now() + 30 * 86_400_000;
  assert.ok(r.certNotAfterMs != null && Math.abs(r.certNotAfterMs - in30d) < 10 * 60_000, String(r.certNotAfterMs));
  const down = await attempt("down");
  assert.equal(down.certNotAfterMs, null, "no handshake, no certificate");
});
