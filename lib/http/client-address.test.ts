import { test } from "node:test";
import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import { clientAddress, forwardedForFromSocket } from "./client-address";

test("client address: the last X-Forwarded-For entry, trimmed and at most 100 characters, else null", () => {
  assert.equal(clientAddress(new Headers({ "x-forwarded-for": "6.6.6.6, 10.0.0.2" })), "10.0.0.2");
  assert.equal(clientAddress(new Headers({ "x-forwarded-for": " 10.0.0.3 " })), "10.0.0.3");
  assert.equal(clientAddress(new Headers({ "x-forwarded-for": "10.0.0.4, " })), "10.0.0.4");
  assert.equal(clientAddress(new Headers({ "x-forwarded-for": "x".repeat(300) }))!.length, 100);
  assert.equal(clientAddress(new Headers({ "x-forwarded-for": " , " })), null);
  assert.equal(clientAddress(new Headers({ "x-real-ip": "10.0.0.1" })), null); // X-Real-IP is not read
  assert.equal(clientAddress(new Headers()), null);
});

test("not trusting a proxy: X-Forwarded-For is the socket's address whatever the client sent; X-Real-IP is dropped", () => {
  const h: IncomingHttpHeaders = { "x-forwarded-for": "198.51.100.7, 203.0.113.50", "x-real-ip": "203.0.113.50" };
  forwardedForFromSocket(h, "127.0.0.1", false);
  assert.deepEqual(h, { "x-forwarded-for": "127.0.0.1" });
  assert.equal(clientAddress(new Headers(h as Record<string, string>)), "127.0.0.1");

  const none: IncomingHttpHeaders = {};
  forwardedForFromSocket(none, "::1", false);
  assert.deepEqual(none, { "x-forwarded-for": "::1" });

  const gone: IncomingHttpHeaders = { "x-forwarded-for": "203.0.113.50" };
  forwardedForFromSocket(gone, undefined, false); // a closed socket: no address rather than the client's claim
  assert.deepEqual(gone, {});
});

test("trusting a proxy: its X-Forwarded-For is kept (the last entry is the client it saw); absent, the socket's address", () => {
  const h: IncomingHttpHeaders = { "x-forwarded-for": "198.51.100.7, 203.0.113.50" };
  forwardedForFromSocket(h, "10.0.0.1", true);
  assert.equal(h["x-forwarded-for"], "198.51.100.7, 203.0.113.50");
  assert.equal(clientAddress(new Headers(h as Record<string, string>)), "203.0.113.50");

  const direct: IncomingHttpHeaders = {};
  forwardedForFromSocket(direct, "10.0.0.1", true);
  assert.equal(direct["x-forwarded-for"], "10.0.0.1");
});
