import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createIpGuard } from "./ip-guard";
import { FederationRequestError, deadlineReason } from "./federation-types";
import {
  orderSrvRecords,
  resolveServer,
  type Resolution,
  type ResolveOptions,
  type SrvRecord,
  type Target,
} from "./resolve-server";
import { createFakeDns, type FakeDnsZone } from "./testing/fake-dns";
import { LOOPBACK_ALLOWLIST, startFakeFleet, type FakeFleet } from "./testing/fake-fleet";

// Resolution only: nothing here connects except the .well-known fetches to the fleet.
// Public-looking addresses come from the documentation ranges' neighbours and are never dialled.
const guard = createIpGuard({ allowlist: LOOPBACK_ALLOWLIST });
let fleet: FakeFleet;

before(async () => {
  fleet = await startFakeFleet([
    { name: "closed", behaviour: "down" },
    { name: "wk", behaviour: { kind: "wellKnown", mServer: "unset" } },
  ]);
});
after(() => fleet.close());

function options(
  zone: FakeDnsZone,
  extra: Partial<ResolveOptions> = {},
): ResolveOptions & { dns: ReturnType<typeof createFakeDns> } {
  return {
    ipGuard: guard,
    signal: AbortSignal.timeout(5000),
    // No .well-known by default: the well-known host resolves to a closed port.
    wellKnownPort: fleet.server("closed").port,
    ca: fleet.caPem,
    random: () => 0,
    ...extra,
    dns: createFakeDns(zone),
  };
}

function targetsOf(resolution: Resolution): Target[] {
  assert.ok(resolution.ok, resolution.ok ? "" : `${resolution.failure.reason}: ${resolution.failure.message}`);
  return resolution.targets;
}

function reasonOf(resolution: Resolution): string {
  assert.ok(!resolution.ok, "expected a failure");
  return resolution.failure.reason;
}

const srv = (name: string, port: number, priority = 10, weight = 10): SrvRecord => ({ name, port, priority, weight });

test("row 1: IP literals connect directly, no SNI, Host = name as given, no DNS", async () => {
  const opts = options({});
  assert.deepEqual(targetsOf(await resolveServer("127.0.0.1:1234", opts)), [
    { address: "127.0.0.1", port: 1234, tlsName: null, hostHeader: "127.0.0.1:1234" },
  ]);
  assert.deepEqual(targetsOf(await resolveServer("127.0.0.5", opts)), [
    { address: "127.0.0.5", port: 8448, tlsName: null, hostHeader: "127.0.0.5" },
  ]);
  assert.deepEqual(targetsOf(await resolveServer("[::1]:8449", opts)), [
    { address: "::1", port: 8449, tlsName: null, hostHeader: "[::1]:8449" },
  ]);
  assert.deepEqual(opts.dns.queries, []);
});

test("a blocked IP literal is IP_BLOCKED without any lookup", async () => {
  const opts = options({}, { ipGuard: createIpGuard() });
  const resolution = await resolveServer("127.0.0.1:8448", opts);
  assert.equal(reasonOf(resolution), "IP_BLOCKED");
  assert.equal(resolution.ok ? "" : resolution.failure.stage, "dns");
  assert.equal(reasonOf(await resolveServer("[::ffff:10.1.2.3]", opts)), "IP_BLOCKED");
  assert.deepEqual(opts.dns.queries, []);
});

test("row 2: explicit port → A/AAAA of the host only, SNI = host, Host = host:port", async () => {
  const opts = options({ hosts: { "example.test": ["127.0.0.2", "::1"] } });
  assert.deepEqual(targetsOf(await resolveServer("example.test:8000", opts)), [
    { address: "127.0.0.2", port: 8000, tlsName: "example.test", hostHeader: "example.test:8000" },
    { address: "::1", port: 8000, tlsName: "example.test", hostHeader: "example.test:8000" },
  ]);
  assert.deepEqual(opts.dns.queries, ["A/AAAA example.test"]);
});

test("all or nothing: one blocked address makes the whole name IP_BLOCKED", async () => {
  const opts = options({ hosts: { "rebind.test": ["127.0.0.1", "10.0.0.7"] } });
  const resolution = await resolveServer("rebind.test:8448", opts);
  assert.equal(reasonOf(resolution), "IP_BLOCKED");
  assert.match(resolution.ok ? "" : resolution.failure.message, /rebind\.test resolves to 10\.0\.0\.7/);
});

test("rows 4–6: no well-known → SRV _matrix-fed, then _matrix, then host:8448", async () => {
  const zone: FakeDnsZone = { hosts: { "plain.test": ["127.0.0.3"] } };
  const opts = options(zone);
  const resolution = await resolveServer("plain.test", opts);
  assert.deepEqual(targetsOf(resolution), [
    { address: "127.0.0.3", port: 8448, tlsName: "plain.test", hostHeader: "plain.test" },
  ]);
  assert.deepEqual(opts.dns.queries, [
    "A/AAAA plain.test", // the .well-known host
    "SRV _matrix-fed._tcp.plain.test",
    "SRV _matrix._tcp.plain.test",
    "A/AAAA plain.test",
  ]);
  assert.deepEqual(
    resolution.steps.map((s) => s.step),
    ["well-known", "srv", "srv", "lookup"],
  );
});

test("row 4: _matrix-fed SRV targets, in priority order; TLS name and Host stay the server name", async () => {
  const opts = options({
    hosts: { "a.target.test": ["127.0.0.10"], "b.target.test": ["127.0.0.11", "127.0.0.12"] },
    srv: { "_matrix-fed._tcp.srv.test": [srv("b.target.test", 9000, 20), srv("a.target.test", 9001, 10)] },
  });
  assert.deepEqual(targetsOf(await resolveServer("srv.test", opts)), [
    { address: "127.0.0.10", port: 9001, tlsName: "srv.test", hostHeader: "srv.test" },
    { address: "127.0.0.11", port: 9000, tlsName: "srv.test", hostHeader: "srv.test" },
    { address: "127.0.0.12", port: 9000, tlsName: "srv.test", hostHeader: "srv.test" },
  ]);
  assert.ok(!opts.dns.queries.includes("SRV _matrix._tcp.srv.test"));
});

test("row 5: deprecated _matrix._tcp is used when _matrix-fed is not found", async () => {
  const opts = options({
    hosts: { "old.target.test": ["127.0.0.20"] },
    srv: {
      "_matrix-fed._tcp.old.test": { errorCode: "ENODATA" },
      "_matrix._tcp.old.test": [srv("old.target.test", 8500)],
    },
  });
  assert.deepEqual(targetsOf(await resolveServer("old.test", opts)), [
    { address: "127.0.0.20", port: 8500, tlsName: "old.test", hostHeader: "old.test" },
  ]);
});

test("an SRV error other than not-found fails; it does not fall through to _matrix._tcp", async () => {
  const opts = options({
    hosts: { "servfail.test": ["127.0.0.1"] },
    srv: {
      "_matrix-fed._tcp.servfail.test": { errorCode: "ESERVFAIL" },
      "_matrix._tcp.servfail.test": [srv("x.test", 1)],
    },
  });
  assert.equal(reasonOf(await resolveServer("servfail.test", opts)), "SRV_ERROR");
  assert.ok(!opts.dns.queries.includes("SRV _matrix._tcp.servfail.test"));
});

test("an SRV record with target '.' means the service is unavailable", async () => {
  const opts = options({ srv: { "_matrix-fed._tcp.nosvc.test": [srv(".", 0)] } });
  assert.equal(reasonOf(await resolveServer("nosvc.test", opts)), "SRV_UNAVAILABLE");
});

test("SRV targets go through the IP guard: blocked ones are dropped, all blocked → IP_BLOCKED", async () => {
  const zone: FakeDnsZone = {
    hosts: { "bad.target.test": ["192.168.1.1"], "good.target.test": ["127.0.0.30"] },
    srv: {
      "_matrix-fed._tcp.mixed.test": [srv("bad.target.test", 1, 1), srv("good.target.test", 2, 2)],
      "_matrix-fed._tcp.allbad.test": [srv("bad.target.test", 1)],
    },
  };
  assert.deepEqual(targetsOf(await resolveServer("mixed.test", options(zone))), [
    { address: "127.0.0.30", port: 2, tlsName: "mixed.test", hostHeader: "mixed.test" },
  ]);
  assert.equal(reasonOf(await resolveServer("allbad.test", options(zone))), "IP_BLOCKED");
});

test("DNS failures: NXDOMAIN, no addresses, temporary failure", async () => {
  const zone: FakeDnsZone = { hosts: { "empty.test": [], "flaky.test": { errorCode: "EAI_AGAIN" } } };
  assert.equal(reasonOf(await resolveServer("missing.test:1", options(zone))), "DNS_NXDOMAIN");
  assert.equal(reasonOf(await resolveServer("empty.test:1", options(zone))), "DNS_NO_ADDRESSES");
  assert.equal(reasonOf(await resolveServer("flaky.test:1", options(zone))), "DNS_TIMEOUT");
  assert.equal(reasonOf(await resolveServer("no such name", options(zone))), "INVALID_SERVER_NAME");
});

test("row 3: .well-known delegation — to an IP, to host:port, to a host with SRV", async () => {
  const wk = fleet.server("wk");
  const zone: FakeDnsZone = {
    hosts: { localhost: ["127.0.0.1"], "delegated.test": ["127.0.0.40"], "srv.delegated.test": ["127.0.0.41"] },
    srv: { "_matrix-fed._tcp.delegated.test": [srv("srv.delegated.test", 8555)] },
  };
  const viaWk = async (mServer: string): Promise<Resolution> => {
    await wk.setBehaviour({ kind: "wellKnown", mServer });
    return resolveServer("localhost", options(zone, { wellKnownPort: wk.port }));
  };
  // 3.1: IP literal — Host header is the delegated name as given, no SNI.
  assert.deepEqual(targetsOf(await viaWk("127.0.0.9:9999")), [
    { address: "127.0.0.9", port: 9999, tlsName: null, hostHeader: "127.0.0.9:9999" },
  ]);
  // 3.2: host with port.
  assert.deepEqual(targetsOf(await viaWk("delegated.test:7777")), [
    { address: "127.0.0.40", port: 7777, tlsName: "delegated.test", hostHeader: "delegated.test:7777" },
  ]);
  // 3.3: host without port → SRV of the delegated host; certificate must match the delegated host.
  const viaSrv = await viaWk("delegated.test");
  assert.deepEqual(targetsOf(viaSrv), [
    { address: "127.0.0.41", port: 8555, tlsName: "delegated.test", hostHeader: "delegated.test" },
  ]);
  assert.deepEqual(viaSrv.steps[0], { step: "well-known", name: "localhost", result: "m.server delegated.test" });
  // A delegated IP literal is checked too.
  assert.equal(reasonOf(await viaWk("10.9.8.7")), "IP_BLOCKED");
});

test("the well-known cache is used across resolutions", async () => {
  const { WellKnownCache } = await import("./well-known");
  const wk = fleet.server("wk");
  await wk.setBehaviour({ kind: "wellKnown", mServer: "127.0.0.9:1" });
  wk.resetCounts();
  const cache = new WellKnownCache();
  const opts = options({ hosts: { localhost: ["127.0.0.1"] } }, { wellKnownPort: wk.port, wellKnownCache: cache });
  await resolveServer("localhost", opts);
  const second = await resolveServer("localhost", opts);
  assert.equal(wk.requests.total, 1);
  assert.match(second.steps[0].result, /\(cached\)$/);
});

test("the deadline interrupts a DNS lookup that never answers", async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(deadlineReason(100)), 100);
  const opts = options({});
  opts.dns.lookup = () => new Promise(() => {});
  await assert.rejects(
    resolveServer("stuck.test:8448", { ...opts, signal: controller.signal }),
    (error: unknown) =>
      error instanceof FederationRequestError && error.failure.reason === "TIMEOUT" && error.failure.stage === "dns",
  );
});

test("SRV ordering: ascending priority, weighted within a priority, weight 0 last", () => {
  const records = [srv("p20", 1, 20, 5), srv("zero", 1, 10, 0), srv("heavy", 1, 10, 90), srv("light", 1, 10, 10)];
  // random() = 0 always picks the first weighted record still in the pool.
  assert.deepEqual(
    orderSrvRecords(records, () => 0).map((r) => r.name),
    ["heavy", "light", "zero", "p20"],
  );
  // random() just below 1 picks the last one.
  assert.deepEqual(
    orderSrvRecords(records, () => 0.999).map((r) => r.name),
    ["light", "heavy", "zero", "p20"],
  );
});
