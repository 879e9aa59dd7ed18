import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createIpGuard } from "./ip-guard";
import {
  WELL_KNOWN_DEFAULT_CACHE_MS,
  WELL_KNOWN_DOWN_CACHE_MS,
  WELL_KNOWN_INVALID_CACHE_MS,
  WELL_KNOWN_MAX_CACHE_MS,
  WELL_KNOWN_MIN_CACHE_MS,
  WELL_KNOWN_PATH,
  WellKnownCache,
  cacheMsFromHeaders,
  fetchWellKnown,
  lookupWellKnown,
  type WellKnownContext,
} from "./well-known";
import { createFakeDns } from "./testing/fake-dns";
import { LOOPBACK_ALLOWLIST, startFakeFleet, type FakeFleet } from "./testing/fake-fleet";

let fleet: FakeFleet;
const dns = createFakeDns({ hosts: { localhost: ["127.0.0.1"] } });
const openGuard = createIpGuard({ allowlist: LOOPBACK_ALLOWLIST });

before(async () => {
  fleet = await startFakeFleet([
    { name: "target", behaviour: "healthy" },
    { name: "wk", behaviour: { kind: "wellKnown", delegateTo: "target" } },
    { name: "hop1", behaviour: { kind: "wellKnown", redirectTo: "hop2" } },
    { name: "hop2", behaviour: { kind: "wellKnown", delegateTo: "target" } },
    { name: "loopA", behaviour: { kind: "wellKnown", redirectTo: "loopB" } },
    { name: "loopB", behaviour: { kind: "wellKnown", redirectTo: "loopA" } },
    { name: "v6", behaviour: { kind: "wellKnown", delegateTo: "target" }, host: "::1" },
    { name: "toV6", behaviour: "healthy" }, // redirect URL set once the v6 port is known
    { name: "scratch", behaviour: "healthy" }, // behaviour set per test
    { name: "down", behaviour: "down" },
  ]);
  await fleet
    .server("toV6")
    .setBehaviour({ kind: "wellKnown", redirectUrl: `https://[::1]:${fleet.server("v6").port}${WELL_KNOWN_PATH}` });
});
after(() => fleet.close());

function ctx(port: number, extra: Partial<WellKnownContext> = {}): WellKnownContext {
  return { ipGuard: openGuard, dns, port, ca: fleet.caPem, signal: AbortSignal.timeout(5000), ...extra };
}

test("cache lifetime from headers: max-age, no-store, Expires, clamped to [5 min, 48 h]", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  assert.equal(cacheMsFromHeaders("max-age=3600", undefined, now), 3_600_000);
  assert.equal(cacheMsFromHeaders("public, max-age=10", undefined, now), WELL_KNOWN_MIN_CACHE_MS);
  assert.equal(cacheMsFromHeaders("max-age=999999999", undefined, now), WELL_KNOWN_MAX_CACHE_MS);
  assert.equal(cacheMsFromHeaders("no-store", undefined, now), WELL_KNOWN_MIN_CACHE_MS);
  assert.equal(cacheMsFromHeaders(undefined, "Thu, 01 Jan 2026 02:00:00 GMT", now), 7_200_000);
  assert.equal(cacheMsFromHeaders(undefined, "not a date", now), WELL_KNOWN_MIN_CACHE_MS);
  assert.equal(cacheMsFromHeaders(undefined, undefined, now), null);
});

test("delegation found, with the header-derived lifetime", async () => {
  await fleet.server("scratch").setBehaviour({ kind: "wellKnown", delegateTo: "target", cacheControl: "max-age=600" });
  const outcome = await fetchWellKnown("localhost", ctx(fleet.server("scratch").port));
  assert.deepEqual(outcome, { kind: "found", mServer: `localhost:${fleet.server("target").port}`, cacheMs: 600_000 });
});

test("redirects are followed, each hop counted", async () => {
  fleet.server("hop1").resetCounts();
  fleet.server("hop2").resetCounts();
  const outcome = await fetchWellKnown("localhost", ctx(fleet.server("hop1").port));
  assert.equal(outcome.kind, "found");
  assert.equal(fleet.server("hop1").requests.count(WELL_KNOWN_PATH), 1);
  assert.equal(fleet.server("hop2").requests.count(WELL_KNOWN_PATH), 1);
});

test("a redirect loop is detected", async () => {
  const outcome = await fetchWellKnown("localhost", ctx(fleet.server("loopA").port));
  assert.equal(outcome.kind === "none" && outcome.reason, "WK_REDIRECT_LOOP");
  // A → B → A: the second visit to A is recognised before it is requested.
  assert.equal(fleet.server("loopA").requests.count(WELL_KNOWN_PATH), 1);
  assert.equal(fleet.server("loopB").requests.count(WELL_KNOWN_PATH), 1);
});

test("every redirect hop goes through the IP guard: a blocked hop is never contacted", async () => {
  fleet.server("v6").resetCounts();
  const v4Only = createIpGuard({ allowlist: ["127.0.0.0/8"] });
  const outcome = await fetchWellKnown("localhost", ctx(fleet.server("toV6").port, { ipGuard: v4Only }));
  assert.equal(outcome.kind === "none" && outcome.reason, "WK_IP_BLOCKED");
  assert.equal(fleet.server("v6").connections, 0);
  // Allowed, the same redirect reaches the IPv6 server.
  const allowed = await fetchWellKnown("localhost", ctx(fleet.server("toV6").port));
  assert.equal(allowed.kind, "found");
  assert.equal(fleet.server("v6").requests.count(WELL_KNOWN_PATH), 1);
});

test("the well-known host itself is checked: blocked → no connection", async () => {
  fleet.server("wk").resetCounts();
  const outcome = await fetchWellKnown("localhost", ctx(fleet.server("wk").port, { ipGuard: createIpGuard() }));
  assert.equal(outcome.kind === "none" && outcome.reason, "WK_IP_BLOCKED");
  assert.equal(fleet.server("wk").connections, 0);
});

test("failures are classified temporary or permanent", async () => {
  const scratch = fleet.server("scratch");
  const cases: { body?: string; status?: number; mServer?: string; reason: string; temporary: boolean }[] = [
    { status: 404, body: "{}", reason: "WK_NONE", temporary: false },
    { status: 503, body: "{}", reason: "WK_NONE", temporary: true },
    { body: "not json", reason: "WK_INVALID_JSON", temporary: false },
    { body: '{"m.server": 42}', reason: "WK_MISSING_M_SERVER", temporary: false },
    { body: "[]", reason: "WK_MISSING_M_SERVER", temporary: false },
    { mServer: "bad name!", reason: "WK_INVALID_M_SERVER", temporary: false },
    { body: `{"pad": "${"x".repeat(60 * 1024)}"}`, reason: "WK_TOO_LARGE", temporary: true },
  ];
  for (const c of cases) {
    await scratch.setBehaviour({ kind: "wellKnown", body: c.body, status: c.status, mServer: c.mServer });
    const outcome = await fetchWellKnown("localhost", ctx(scratch.port));
    assert.equal(outcome.kind, "none", JSON.stringify(c));
    if (outcome.kind === "none") {
      assert.equal(outcome.reason, c.reason, JSON.stringify(c));
      assert.equal(outcome.temporary, c.temporary, JSON.stringify(c));
    }
  }
  const refused = await fetchWellKnown("localhost", ctx(fleet.server("down").port));
  assert.deepEqual(refused.kind === "none" && [refused.reason, refused.temporary], ["WK_CONNECT", true]);
  const tls = await fetchWellKnown("localhost", ctx(fleet.server("wk").port, { ca: undefined }));
  assert.deepEqual(tls.kind === "none" && [tls.reason, tls.temporary], ["WK_TLS", true]);
});

test("cache: Synapse lifetimes, grace period, short error caching after a valid record", async () => {
  let now = 1_000_000;
  const cache = new WellKnownCache(
    () => now,
    () => 0.5,
  ); // jitter factor exactly 1.0
  const scratch = fleet.server("scratch");
  await scratch.setBehaviour({ kind: "wellKnown", delegateTo: "target" });
  scratch.resetCounts();
  const c = ctx(scratch.port);

  assert.equal((await lookupWellKnown("localhost", c, cache)).cached, false);
  assert.equal((await lookupWellKnown("localhost", c, cache)).cached, true);
  assert.equal(scratch.requests.total, 1);

  // Past 80 % of the 24 h lifetime, refetch.
  now += WELL_KNOWN_DEFAULT_CACHE_MS * 0.81;
  assert.equal((await lookupWellKnown("localhost", c, cache)).cached, false);
  assert.equal(scratch.requests.total, 2);

  // A temporary failure while an unexpired entry exists keeps the old delegation.
  now += WELL_KNOWN_DEFAULT_CACHE_MS * 0.81;
  await scratch.setBehaviour({ kind: "wellKnown", status: 503, body: "{}" });
  const kept = await lookupWellKnown("localhost", c, cache);
  assert.equal(kept.kind, "found");
  assert.equal(kept.cached, true);
  assert.equal(scratch.requests.total, 2 + 3, "three tries, 500 ms apart, for a domain that had a valid record");

  // Expired, but within lifetime + 2 h of the valid record: the error is cached for 2 min only.
  now += WELL_KNOWN_DEFAULT_CACHE_MS * 0.25;
  await scratch.setBehaviour({ kind: "wellKnown", status: 404, body: "{}" });
  assert.equal((await lookupWellKnown("localhost", c, cache)).kind, "none");
  const before = scratch.requests.total;
  now += WELL_KNOWN_DOWN_CACHE_MS * 0.79;
  assert.equal((await lookupWellKnown("localhost", c, cache)).cached, true);
  now += WELL_KNOWN_DOWN_CACHE_MS * 0.02;
  assert.equal((await lookupWellKnown("localhost", c, cache)).cached, false);
  assert.equal(scratch.requests.total, before + 1);

  // A domain that never had a valid record: errors cached for 1 h.
  const fresh = new WellKnownCache(
    () => now,
    () => 0.5,
  );
  await lookupWellKnown("localhost", c, fresh);
  now += WELL_KNOWN_INVALID_CACHE_MS * 0.79;
  assert.equal((await lookupWellKnown("localhost", c, fresh)).cached, true);
});

test("refresh (an attempt after a reset) looks past a fresh cache entry and caches what it finds", async () => {
  const now = 5_000_000;
  const cache = new WellKnownCache(
    () => now,
    () => 0.5,
  );
  const scratch = fleet.server("scratch");
  await scratch.setBehaviour({ kind: "wellKnown", status: 404, body: "{}" });
  scratch.resetCounts();
  const c = ctx(scratch.port);
  assert.equal((await lookupWellKnown("localhost", c, cache)).kind, "none");
  // The operator fixes the record: a scheduled attempt still sees the cached failure (1 h)...
  await scratch.setBehaviour({ kind: "wellKnown", delegateTo: "target" });
  const stale = await lookupWellKnown("localhost", c, cache);
  assert.deepEqual([stale.kind, stale.cached], ["none", true]);
  assert.equal(scratch.requests.total, 1);
  // ...an attempt after a reset fetches again, and the next scheduled one uses the new entry.
  const fresh = await lookupWellKnown("localhost", c, cache, true);
  assert.deepEqual([fresh.kind, fresh.cached], ["found", false]);
  assert.equal(scratch.requests.total, 2);
  const next = await lookupWellKnown("localhost", c, cache);
  assert.deepEqual([next.kind, next.cached], ["found", true]);
  assert.equal(scratch.requests.total, 2);
});

test("forget drops a host's entries on every port (Flush cached discovery) and nothing else", () => {
  const cache = new WellKnownCache(() => 1_000);
  const found = { kind: "found", mServer: "m.example.org", cacheMs: null } as const;
  cache.store("example.org:443", found);
  cache.store("example.org:8443", found);
  cache.store("other.org:443", found);
  assert.equal(cache.forget("Example.org"), 2);
  assert.equal(cache.get("example.org:443"), null);
  assert.notEqual(cache.get("other.org:443"), null);
});
