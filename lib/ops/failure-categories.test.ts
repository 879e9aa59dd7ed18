import assert from "node:assert/strict";
import { test } from "node:test";
import { countByCategory, failureCategory } from "./failure-categories";

test("reason codes fall into the categories operators name", () => {
  const cases: [string | null, string][] = [
    ["DNS_NXDOMAIN", "dns"],
    ["SRV_ERROR", "dns"],
    ["DNS_TIMEOUT", "timeout"],
    ["CONNECT_REFUSED", "refused"],
    ["CONNECT_RESET", "refused"],
    ["NETWORK_UNREACHABLE", "refused"],
    ["CONNECT_TIMEOUT", "timeout"],
    ["TIMEOUT", "timeout"],
    ["CERT_EXPIRED", "tls"],
    ["TLS_HANDSHAKE", "tls"],
    ["HTTP_5XX", "http_5xx"],
    ["HTTP_401", "http_401_429"],
    ["HTTP_429", "http_401_429"],
    ["IP_BLOCKED", "blocked"],
    ["INVALID_JSON", "other"],
    ["REACHABLE", "reachable"],
    [null, "unknown"],
    ["", "unknown"],
  ];
  for (const [kind, want] of cases) assert.equal(failureCategory(kind), want, String(kind));
});

test("counts are summed per category, largest first, zeros dropped", () => {
  assert.deepEqual(countByCategory({ CONNECT_REFUSED: 2, CONNECT_RESET: 3, HTTP_5XX: 4, "": 1, CERT_EXPIRED: 0 }), [
    { category: "refused", count: 5 },
    { category: "http_5xx", count: 4 },
    { category: "unknown", count: 1 },
  ]);
});
