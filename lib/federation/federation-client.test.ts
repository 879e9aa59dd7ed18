import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import type { TLSSocket } from "node:tls";
import { federationGet, parseJsonBody, type FederationGetOptions } from "./federation-client";
import { FederationRequestError, deadlineReason, type Failure, type Target } from "./federation-types";
import { FAKE_SERVER_SOFTWARE, VERSION_PATH, startFakeFleet, type FakeFleet } from "./testing/fake-fleet";

let fleet: FakeFleet;
// A bare server that records what the client sent (Host, SNI) and serves a big body.
let probe: https.Server;
let probePort = 0;
const seen: { host: string | undefined; sni: string | false | null }[] = [];

before(async () => {
  fleet = await startFakeFleet([
    { name: "ok", behaviour: "healthy" },
    { name: "down", behaviour: "down" },
    { name: "hang", behaviour: "hang" },
    { name: "expired", behaviour: "expiredCert" },
    { name: "wrong", behaviour: "wrongNameCert" },
    { name: "html", behaviour: "badContentType" },
    { name: "e500", behaviour: "status500" },
  ]);
  const { certPem, keyPem } = fleet.certificates.valid;
  probe = https.createServer({ cert: certPem, key: keyPem }, (req, res) => {
    seen.push({ host: req.headers.host, sni: (req.socket as TLSSocket).servername });
    const size = req.url === "/big" ? 2048 : 10;
    res.writeHead(200, { "Content-Type": "application/json; charset=utf-8" });
    res.end(`"${"x".repeat(size - 2)}"`);
  });
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  probePort = address !== null && typeof address === "object" ? address.port : 0;
});

after(async () => {
  await fleet.close();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

function ipTarget(port: number): Target {
  return { address: "127.0.0.1", port, tlsName: null, hostHeader: `127.0.0.1:${port}` };
}

function get(target: Target, extra: Partial<FederationGetOptions> = {}): ReturnType<typeof federationGet> {
  return federationGet({
    target,
    path: VERSION_PATH,
    maxBodyBytes: 1024,
    signal: AbortSignal.timeout(5000),
    ca: fleet.caPem,
    ...extra,
  });
}

async function failureOf(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FederationRequestError) return error.failure;
    throw error;
  }
  assert.fail("expected a FederationRequestError");
}

test("GET to an IP target: 200 JSON body, parsed", async () => {
  const response = await get(ipTarget(fleet.server("ok").port));
  assert.equal(response.status, 200);
  assert.equal(response.contentType, "application/json");
  const json = parseJsonBody(response, true);
  assert.deepEqual(json, { ok: true, value: { server: FAKE_SERVER_SOFTWARE } });
});

test("IP target sends no SNI; a name target sends SNI and its own Host header", async () => {
  seen.length = 0;
  await get(ipTarget(probePort));
  await get({ address: "127.0.0.1", port: probePort, tlsName: "localhost", hostHeader: "example.org" });
  assert.deepEqual(seen, [
    { host: `127.0.0.1:${probePort}`, sni: false },
    { host: "example.org", sni: "localhost" },
  ]);
});

test("closed port → connect/CONNECT_REFUSED", async () => {
  const port = fleet.server("down").port;
  assert.deepEqual(await failureOf(get(ipTarget(port))), {
    stage: "connect",
    reason: "CONNECT_REFUSED",
    message: `connection refused by 127.0.0.1:${port}`,
  });
});

test("certificate failures are told apart", async () => {
  const expired = await failureOf(get(ipTarget(fleet.server("expired").port)));
  assert.equal(expired.reason, "CERT_EXPIRED");
  assert.equal(expired.stage, "tls");
  assert.match(expired.message, /certificate has expired/);

  const wrong = await failureOf(get({ ...ipTarget(fleet.server("wrong").port), tlsName: "localhost" }));
  assert.equal(wrong.reason, "CERT_NAME_MISMATCH");
  assert.match(wrong.message, /not valid for localhost/);

  const untrusted = await failureOf(get(ipTarget(fleet.server("ok").port), { ca: undefined }));
  assert.equal(untrusted.reason, "CERT_UNTRUSTED");

  // The valid certificate names localhost and 127.0.0.1, not other.example.
  const otherName = await failureOf(get({ ...ipTarget(fleet.server("ok").port), tlsName: "other.example" }));
  assert.equal(otherName.reason, "CERT_NAME_MISMATCH");
});

test("deadline while waiting for headers → http/TIMEOUT; other aborts → CANCELLED", async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(deadlineReason(300)), 300);
  const started = Date.now();
  const timedOut = await failureOf(get(ipTarget(fleet.server("hang").port), { signal: controller.signal }));
  assert.equal(timedOut.stage, "http");
  assert.equal(timedOut.reason, "TIMEOUT");
  assert.ok(Date.now() - started < 2000);

  const cancel = new AbortController();
  setTimeout(() => cancel.abort(), 100);
  const cancelled = await failureOf(get(ipTarget(fleet.server("hang").port), { signal: cancel.signal }));
  assert.equal(cancelled.reason, "CANCELLED");
});

test("non-2xx: status returned, body not read", async () => {
  const response = await get(ipTarget(fleet.server("e500").port));
  assert.equal(response.status, 500);
  assert.equal(response.body, null);
});

test("body over the size cap → RESPONSE_TOO_LARGE as bodyFailure", async () => {
  const response = await get(ipTarget(probePort), { path: "/big" });
  assert.equal(response.status, 200);
  assert.equal(response.bodyFailure?.reason, "RESPONSE_TOO_LARGE");
  assert.equal(parseJsonBody(response, true).ok, false);
});

test("Content-Type must be application/json unless the caller says otherwise", async () => {
  const response = await get(ipTarget(fleet.server("html").port));
  const strict = parseJsonBody(response, true);
  assert.equal(strict.ok ? null : strict.failure.reason, "BAD_CONTENT_TYPE");
  const lenient = parseJsonBody(response, false);
  assert.equal(lenient.ok ? null : lenient.failure.reason, "INVALID_JSON");
  // Parameters such as charset do not matter.
  assert.equal(parseJsonBody(await get(ipTarget(probePort)), true).ok, true);
});
