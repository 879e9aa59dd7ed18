// The pieces of a delivery without a database: the signature (against a hand-computed HMAC),
// sealed secrets, event lists, and a real POST to loopback servers through the IP guard.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createIpGuard } from "../federation/ip-guard";
import { parseEvents } from "./events";
import { postWebhook } from "./post-webhook";
import { open, seal } from "./secret-box";
import { signature, verifySignature } from "./sign";

test("the signature is sha256= + hex HMAC-SHA256 over `<timestamp>.<body>`; verification bounds the age", () => {
  const body = '{"event":"down"}';
  const want = crypto.createHmac("sha256", "k").update(`1700000000.${body}`).digest("hex");
  assert.equal(signature("k", 1_700_000_000, body), `sha256=${want}`);
  const headers = { signature: `sha256=${want}`, timestamp: "1700000000" };
  assert.equal(verifySignature("k", headers, body, 1_700_000_100), true);
  assert.equal(verifySignature("k", headers, `${body} `, 1_700_000_100), false, "another body");
  assert.equal(verifySignature("other", headers, body, 1_700_000_100), false, "another secret");
  assert.equal(verifySignature("k", headers, body, 1_700_000_301), false, "too old");
});

test("a sealed secret opens only with its key and for its endpoint", () => {
  const key = crypto.randomBytes(32);
  const box = seal(key, "s3cret-value", "endpoint-1");
  assert.ok(!box.includes("s3cret"));
  assert.equal(open(key, box, "endpoint-1"), "s3cret-value");
  assert.throws(() => open(key, box, "endpoint-2"));
  assert.throws(() => open(crypto.randomBytes(32), box, "endpoint-1"));
});

test("event lists: empty means all, unknown names are refused by name", () => {
  assert.deepEqual(parseEvents(""), ["down", "recovered", "dead", "cert_expiring", "sync_failing"]);
  assert.deepEqual(parseEvents("recovered, down,down"), ["down", "recovered"]);
  assert.throws(() => parseEvents(["down", "nope"]), /Unknown webhook event "nope"/);
});

let server: http.Server;
let base: string;
before(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/redirect") {
      res.writeHead(302, { Location: "http://127.0.0.1:1/" });
      res.end();
    } else if (req.url === "/big") {
      res.writeHead(200);
      res.end(Buffer.alloc(200 * 1024));
    } else if (req.url === "/hang") {
      // never answers
    } else {
      res.writeHead(204);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const open127 = { ipGuard: createIpGuard({ allowlist: ["127.0.0.0/8"] }), timeoutMs: 500 };

test("POST: 2xx delivered; redirects not followed; big answers capped; a deadline; blocked ranges never contacted", async () => {
  assert.deepEqual((await postWebhook(`${base}/ok`, "{}", {}, open127)).ok, true);
  const redirect = await postWebhook(`${base}/redirect`, "{}", {}, open127);
  assert.deepEqual(
    [redirect.ok, redirect.statusCode, redirect.error],
    [false, 302, "answered 302 (redirects are not followed)"],
  );
  const big = await postWebhook(`${base}/big`, "{}", {}, open127);
  assert.equal(big.ok, false);
  assert.match(big.error ?? "", /larger than 65536 bytes/);
  const hang = await postWebhook(`${base}/hang`, "{}", {}, open127);
  assert.deepEqual([hang.ok, hang.error], [false, "no answer within 500 ms"]);
  const blocked = await postWebhook(`${base}/ok`, "{}", {}, { ipGuard: createIpGuard(), timeoutMs: 500 });
  assert.equal(blocked.ok, false);
  assert.match(blocked.error ?? "", /127\.0\.0\.1 is in a blocked IP range/);
  const named = await postWebhook(
    "http://localhost:1/x",
    "{}",
    {},
    {
      ipGuard: createIpGuard(),
      timeoutMs: 500,
      dns: { lookup: async () => [{ address: "127.0.0.1", family: 4 }] },
    },
  );
  assert.match(named.error ?? "", /localhost is in a blocked IP range/, "a name is checked on what it resolves to");
});
