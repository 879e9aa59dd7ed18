// Which requests the first-run page treats as coming from the server's own machine.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import { isLoopbackAddress, isMarkedLocal, LOCAL_HEADER, markLocalRequest } from "./local-request";

const marked = (raw: IncomingHttpHeaders, socket: string | undefined) => {
  const headers = { ...raw };
  markLocalRequest(headers, socket);
  return isMarkedLocal(new Headers(headers as Record<string, string>));
};

test("loopback addresses, IPv4-mapped included; nothing else", () => {
  for (const a of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) assert.equal(isLoopbackAddress(a), true, a);
  for (const a of ["10.0.0.1", "::2", "::ffff:10.0.0.1", "localhost", "", undefined, "127.0.0.1.evil"])
    assert.equal(isLoopbackAddress(a), false, String(a));
});

test("marked local: a loopback connection with no proxy header; a forged mark never counts", () => {
  assert.equal(marked({ host: "127.0.0.1:3000" }, "127.0.0.1"), true);
  assert.equal(marked({ host: "127.0.0.1:3000" }, "::1"), true);
  assert.equal(marked({ host: "console.example.org" }, "203.0.113.9"), false);
  for (const h of ["forwarded", "via", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip"])
    assert.equal(marked({ [h]: "x" }, "127.0.0.1"), false, h);
  // A client sending the header itself: removed, and its value is not the process's mark anyway.
  assert.equal(marked({ [LOCAL_HEADER]: "1" }, "203.0.113.9"), false);
  assert.equal(isMarkedLocal(new Headers({ [LOCAL_HEADER]: "1" })), false);
  assert.equal(isMarkedLocal(new Headers()), false);
});
