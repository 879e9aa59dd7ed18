import { test } from "node:test";
import assert from "node:assert/strict";
import { dnsFor, parseDnsServers } from "./dns-servers";
import { startTestDnsServer } from "./testing/test-dns-server";

test("FEDERATION_DNS_SERVERS takes IPs with optional ports and refuses names and bad ports", () => {
  assert.deepEqual(parseDnsServers("10.0.0.53, 127.0.0.1:5353 [::1]:53 ::1", "X"), [
    "10.0.0.53",
    "127.0.0.1:5353",
    "[::1]:53",
    "::1",
  ]);
  assert.throws(() => parseDnsServers("dns.example.org", "X"), /X: invalid DNS server "dns.example.org"/);
  assert.throws(() => parseDnsServers("127.0.0.1:99999", "X"), /invalid DNS server/);
  assert.throws(() => parseDnsServers("[10.0.0.1]:53", "X"), /invalid DNS server/);
});

test("lookups go to the configured server on its port: A+AAAA together, SRV, CNAME, errors as node's", async () => {
  const server = await startTestDnsServer({
    a: { "both.test": ["127.0.0.1"], "four.test": ["127.0.0.9"] },
    aaaa: { "both.test": ["::1"] },
    cname: { "alias.test": "four.test" },
    srv: { "_matrix-fed._tcp.x.test": [{ priority: 1, weight: 2, port: 8448, target: "both.test" }] },
  });
  try {
    const dns = dnsFor([server.address]);
    assert.deepEqual(await dns.lookup("both.test"), [
      { address: "127.0.0.1", family: 4 },
      { address: "::1", family: 6 },
    ]);
    assert.deepEqual(await dns.lookup("alias.test"), [{ address: "127.0.0.9", family: 4 }]);
    assert.deepEqual(await dns.resolveCname("alias.test"), ["four.test"]);
    assert.deepEqual(await dns.resolveSrv("_matrix-fed._tcp.x.test"), [
      { name: "both.test", port: 8448, priority: 1, weight: 2 },
    ]);
    await assert.rejects(dns.lookup("missing.test"), { code: "ENOTFOUND" });
    await assert.rejects(dns.resolveSrv("_matrix-fed._tcp.four.test"), { code: "ENOTFOUND" });
    assert.ok(server.queries.includes("AAAA both.test"));
  } finally {
    await server.close();
  }
});

test("attempts resolve through FEDERATION_DNS_SERVERS too (SRV and A from our server)", async () => {
  const { attemptConnection, attemptOptionsFrom } = await import("./attempt-connection");
  const { loadSettings } = await import("../settings/settings");
  const { startFakeFleet } = await import("./testing/fake-fleet");
  const fleet = await startFakeFleet([{ name: "a", behaviour: "healthy" }], { extraDnsNames: ["*.fed.test"] });
  const server = await startTestDnsServer({
    a: { "host.fed.test": ["127.0.0.1"] },
    srv: {
      "_matrix-fed._tcp.srv.fed.test": [
        { priority: 0, weight: 0, port: fleet.server("a").port, target: "host.fed.test" },
      ],
    },
  });
  try {
    const s = loadSettings({
      FEDERATION_DNS_SERVERS: server.address,
      FEDERATION_IP_RANGE_ALLOWLIST: "127.0.0.0/8",
      FEDERATION_WELL_KNOWN_PORT: "1",
    });
    const result = await attemptConnection("srv.fed.test", { ...attemptOptionsFrom(s.attempts), ca: fleet.caPem });
    assert.equal(result.outcome, "success", result.message ?? "");
    assert.ok(server.queries.includes("SRV _matrix-fed._tcp.srv.fed.test"));
  } finally {
    await server.close();
    await fleet.close();
  }
});
