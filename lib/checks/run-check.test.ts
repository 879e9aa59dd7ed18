// The whole check over the wire: a real DNS server on loopback (dns2), real HTTPS fake
// homeservers with signed keys, and each fault the issue lists.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { dnsFor } from "../federation/dns-servers";
import { createIpGuard } from "../federation/ip-guard";
import { LOOPBACK_ALLOWLIST, startFakeFleet, type FakeFleet } from "../federation/testing/fake-fleet";
import { startTestDnsServer, type TestDnsServer } from "../federation/testing/test-dns-server";
import type { CheckReport } from "./report-model";
import { runCheck } from "./run-check";

let fleet: FakeFleet;
let dnsServer: TestDnsServer;

const FAULTS = [
  "badKeySignature",
  "expiredKeys",
  "wrongKeyServerName",
  "expiringCert",
  "wrongNameCert",
  "selfSignedCert",
  "tls12Only",
  "expiredCert",
] as const;

before(async () => {
  fleet = await startFakeFleet(
    [
      { name: "healthy", behaviour: "healthy" },
      { name: "named", behaviour: "healthy", matrixName: "srv.fed.test" },
      { name: "delegated", behaviour: "healthy", matrixName: "deleg.fed.test" },
      { name: "blocked", behaviour: "healthy", host: "127.0.0.2" },
      { name: "wk", behaviour: { kind: "wellKnown", byHost: { "deleg.fed.test": "srvonly.fed.test" } } },
      ...FAULTS.map((f) => ({ name: f, behaviour: f })),
    ],
    { extraDnsNames: ["*.fed.test"] },
  );
  const port = (n: string) => fleet.server(n).port;
  dnsServer = await startTestDnsServer({
    a: {
      "host.fed.test": ["127.0.0.1"],
      "real.fed.test": ["127.0.0.1"],
      "deleg.fed.test": ["127.0.0.1"],
      "mixed.fed.test": ["127.0.0.1", "127.0.0.2"],
    },
    cname: { "alias.fed.test": "alias2.fed.test", "alias2.fed.test": "real.fed.test" },
    srv: {
      "_matrix-fed._tcp.srv.fed.test": [
        { priority: 10, weight: 5, port: port("named"), target: "host.fed.test" },
        { priority: 20, weight: 5, port: 1 /* nothing listens there */, target: "host.fed.test" },
      ],
      "_matrix-fed._tcp.srvonly.fed.test": [
        { priority: 10, weight: 0, port: port("delegated"), target: "alias.fed.test" },
      ],
      "_matrix._tcp.legacy.fed.test": [{ priority: 10, weight: 0, port: port("healthy"), target: "host.fed.test" }],
      // 127.0.0.2 is where "blocked" listens (its counter must stay 0); 127.0.0.1 has nothing on that port.
      "_matrix-fed._tcp.mixed.fed.test": [{ priority: 10, weight: 0, port: port("blocked"), target: "mixed.fed.test" }],
    },
  });
});
after(async () => {
  await fleet?.close();
  await dnsServer?.close();
});

function check(name: string, allow: readonly string[] = LOOPBACK_ALLOWLIST): Promise<CheckReport> {
  return runCheck(name, {
    dns: dnsFor([dnsServer.address]),
    ipGuard: createIpGuard({ allowlist: allow }),
    timeoutMs: 5_000,
    wellKnownPort: fleet.server("wk").port,
    ca: fleet.caPem,
  });
}

test("a healthy server by IP literal passes every step, within a second", async () => {
  const r = await check(fleet.server("healthy").serverName);
  assert.equal(r.summary.federationOk, true, r.summary.headline);
  assert.deepEqual(r.summary.warnings, []);
  assert.equal(r.name.shortcut, "ip-literal");
  assert.equal(r.wellKnown.status, "skip");
  const [a] = r.addresses;
  assert.equal(a.tls?.trusted, true);
  assert.equal(a.tls?.validForName, true);
  assert.match(a.tls?.protocol ?? "", /TLSv1\.3/);
  assert.equal(a.keys?.checks?.allChecksOk, true);
  assert.deepEqual(
    a.keys?.checks?.oldVerifyKeys.map((k) => k.keyId),
    ["ed25519:old"],
  );
  assert.equal(a.version?.software, "FakeSynapse");
  assert.ok(r.durationMs < 1000, `${r.durationMs} ms`);
});

test("each fault gives its verdict; an expiring certificate and TLS 1.2 only still federate", async () => {
  const expected: Record<(typeof FAULTS)[number], { ok: boolean; step: string; words: RegExp }> = {
    badKeySignature: { ok: false, step: "keys", words: /signature by ed25519:fake does not verify/ },
    expiredKeys: { ok: false, step: "keys", words: /keys expired/ },
    wrongKeyServerName: { ok: false, step: "keys", words: /for "wrong.example", not/ },
    expiringCert: { ok: true, step: "tls", words: /expires in 3 days/ },
    wrongNameCert: { ok: false, step: "tls", words: /not valid for 127\.0\.0\.1 \(it names wrong.example\)/ },
    selfSignedCert: { ok: false, step: "tls", words: /not trusted: it is self-signed/ },
    tls12Only: { ok: true, step: "tls", words: /TLSv1\.2/ },
    expiredCert: { ok: false, step: "tls", words: /The certificate for 127\.0\.0\.1 expired 1 day ago/ },
  };
  const reports = await Promise.all(FAULTS.map((f) => check(fleet.server(f).serverName)));
  FAULTS.forEach((fault, i) => {
    const r = reports[i];
    const want = expected[fault];
    assert.equal(r.summary.federationOk, want.ok, `${fault}: ${r.summary.headline}`);
    const said = want.ok
      ? [...r.summary.warnings.map((w) => w.message), r.addresses[0].tls?.verdict ?? ""].join(" | ")
      : r.summary.headline;
    assert.match(said, want.words, fault);
    if (!want.ok) assert.equal(r.summary.problems[0].step, want.step, fault);
  });
});

test("SRV to a live and a dead port: both reported, the dead one a warning", async () => {
  const r = await check("srv.fed.test");
  assert.equal(r.summary.federationOk, true, r.summary.headline);
  assert.equal(r.dns.srvUsed, "_matrix-fed._tcp.srv.fed.test");
  assert.deepEqual(r.dns.srv[0].records.map((x) => x.port).sort(), [fleet.server("named").port, 1].sort());
  assert.equal(r.addresses.length, 2);
  assert.match(
    r.summary.warnings.map((w) => w.message).join(),
    /Cannot connect to 127\.0\.0\.1:\d+.*connection refused/,
  );
  assert.match(r.summary.warnings.map((w) => w.message).join(), /No \/.well-known\/matrix\/server, but SRV/);
});

test("well-known delegation to a name only SRV resolves, through a CNAME chain", async () => {
  const r = await check("deleg.fed.test");
  assert.equal(r.wellKnown.mServer, "srvonly.fed.test");
  assert.equal(r.wellKnown.hops[0].httpStatus, 200);
  assert.equal(r.wellKnown.cacheMs, 24 * 3_600_000);
  assert.equal(r.dns.serverHost, "srvonly.fed.test");
  assert.deepEqual(r.dns.hosts[0].cnames, ["alias2.fed.test", "real.fed.test"]);
  assert.equal(r.dns.hosts[0].srvTargetIsCname, true);
  // The key response is for the name asked about (deleg), the certificate for the delegated name.
  assert.equal(r.summary.federationOk, true, r.summary.headline);
  assert.equal(r.addresses[0].tls?.expectedName, "srvonly.fed.test");
  assert.equal(r.addresses[0].hostHeader, "srvonly.fed.test");
  assert.match(r.summary.warnings.map((w) => w.message).join(), /is a CNAME/);
});

test("a host with one good and one blocked address: never connected to the blocked one, refused as attempts refuse it", async () => {
  const blocked = fleet.server("blocked");
  blocked.resetCounts();
  const r = await check("mixed.fed.test", ["127.0.0.1/32"]);
  assert.equal(r.summary.federationOk, false);
  assert.match(r.summary.headline, /mixed.fed.test resolves to 127\.0\.0\.2, in the IP range blocklist/);
  const addr = r.addresses.find((a) => a.address === "127.0.0.2");
  assert.equal(addr?.blocked, true);
  assert.equal(addr?.tls, null);
  assert.equal(blocked.connections, 0);
  assert.ok(dnsServer.queries.includes("A mixed.fed.test"), "asked our DNS server");
});

test("only the deprecated _matrix._tcp SRV: a warning; invalid names and unknown hosts fail early", async () => {
  const legacy = await check("legacy.fed.test");
  assert.match(legacy.summary.warnings.map((w) => w.message).join(), /deprecated _matrix\._tcp/);
  const invalid = await check("not a name");
  assert.equal(invalid.summary.federationOk, false);
  assert.equal(invalid.summary.problems[0].step, "name");
  const unknown = await check("nowhere.fed.test");
  assert.match(unknown.summary.headline, /no such host: nowhere.fed.test/);
});

test("the deadline bounds the whole check", async () => {
  const hang = await startFakeFleet([{ name: "hang", behaviour: "hang" }], { certificates: fleet.certificates });
  try {
    const started = Date.now();
    const r = await runCheck(hang.server("hang").serverName, {
      dns: dnsFor([dnsServer.address]),
      ipGuard: createIpGuard({ allowlist: LOOPBACK_ALLOWLIST }),
      timeoutMs: 300,
      wellKnownPort: 1,
      ca: fleet.caPem,
    });
    assert.ok(Date.now() - started < 1500);
    assert.equal(r.timedOut, true);
    assert.equal(r.summary.federationOk, false);
    assert.match(r.addresses[0].keys?.error ?? "", /deadline passed/);
  } finally {
    await hang.close();
  }
});

test("the tester's shape: FederationOK true only for healthy servers, fields as the tester names them", async () => {
  const { testerReport } = await import("./tester-report");
  const healthy = testerReport(await check(fleet.server("healthy").serverName));
  assert.equal(healthy.FederationOK, true);
  const key = fleet.server("healthy").serverName;
  const conn = healthy.ConnectionReports[key];
  assert.equal(conn.Checks.AllChecksOK, true);
  assert.deepEqual(conn.Checks.Ed25519Checks, { "ed25519:fake": { ValidEd25519: true, MatchingSignature: true } });
  assert.equal(conn.Cipher.Version, "TLS 1.3");
  assert.equal(conn.Certificates[0].SubjectCommonName, "localhost");
  assert.equal(healthy.Version.name, "FakeSynapse");
  assert.equal(healthy.DNSResult.SRVSkipped, true);
  for (const fault of [
    "badKeySignature",
    "expiredKeys",
    "wrongKeyServerName",
    "wrongNameCert",
    "selfSignedCert",
  ] as const) {
    const t = testerReport(await check(fleet.server(fault).serverName));
    assert.equal(t.FederationOK, false, fault);
    assert.equal(Object.values(t.ConnectionReports)[0].Checks.AllChecksOK, false, fault);
  }
  const bad = testerReport(await check(fleet.server("badKeySignature").serverName));
  assert.equal(Object.values(bad.ConnectionReports)[0].Checks.AllEd25519ChecksOK, false);
  const srv = testerReport(await check("srv.fed.test"));
  assert.equal(srv.DNSResult.SRVCName, "_matrix-fed._tcp.srv.fed.test.");
  assert.equal(Object.keys(srv.ConnectionErrors).length, 1);
  assert.equal(srv.FederationOK, false);
  assert.equal(testerReport(await check("not a name")).Error, "Invalid server name 'not a name'");
});
