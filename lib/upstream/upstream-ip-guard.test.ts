import { test, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { loadSettings, type Env } from "../settings/settings";
import { createDatabaseSource, type DatabaseSource } from "./database-source";
import { UpstreamError } from "./types";
import { guardedNetLookup, upstreamIpGuard } from "./upstream-ip-guard";
import type { DnsAddress } from "../federation/guarded-lookup";

const sources: DatabaseSource[] = [];
after(async () => {
  for (const s of sources) await s.close();
});

function settingsOf(env: Env) {
  const s = loadSettings(env);
  assert.ok(s.upstream);
  return { upstream: s.upstream, attempts: s.attempts };
}

const fakeDns = (table: Record<string, string[]>) => ({
  lookup: async (host: string): Promise<DnsAddress[]> => {
    const list = table[host];
    if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return list.map((address) => ({ address, family: net.isIP(address) }));
  },
});

test("the upstream guard: the federation blocklist minus both allowlists", () => {
  const { upstream, attempts } = settingsOf({ FEDCONSOLE_UPSTREAM_DATABASE_URL: "postgresql://ro@db/synapse" });
  const guard = upstreamIpGuard(attempts, upstream);
  for (const ip of ["127.0.0.1", "::1", "10.1.2.3", "192.168.1.5", "fd00::5", "8.8.8.8"]) {
    assert.equal(guard.isBlocked(ip), false, ip);
  }
  for (const ip of ["169.254.169.254", "100.64.0.1", "224.0.0.1", "0.0.0.0", "fe80::1"]) {
    assert.equal(guard.isBlocked(ip), true, ip);
  }
  const narrow = settingsOf({
    FEDCONSOLE_UPSTREAM_DATABASE_URL: "postgresql://ro@db/synapse",
    FEDCONSOLE_UPSTREAM_IP_RANGE_ALLOWLIST: "10.0.0.0/8",
    FEDERATION_IP_RANGE_ALLOWLIST: "169.254.10.0/24",
  });
  const g2 = upstreamIpGuard(narrow.attempts, narrow.upstream);
  assert.equal(g2.isBlocked("127.0.0.1"), true);
  assert.equal(g2.isBlocked("10.9.9.9"), false);
  assert.equal(g2.isBlocked("169.254.10.1"), false, "the federation allowlist opens upstream too");
});

test("the lookup refuses a name with any blocked address (all or nothing)", async () => {
  const { upstream, attempts } = settingsOf({ FEDCONSOLE_UPSTREAM_DATABASE_URL: "postgresql://ro@db/synapse" });
  const lookup = guardedNetLookup(
    upstreamIpGuard(attempts, upstream),
    fakeDns({ ok: ["10.0.0.7", "fd00::7"], mixed: ["10.0.0.7", "169.254.169.254"] }),
  );
  const call = (host: string, all: boolean) =>
    new Promise<{ error: Error | null; address: unknown; family?: number }>((resolve) =>
      lookup(host, all ? { all: true } : {}, (error, address, family) => resolve({ error, address, family })),
    );
  assert.deepEqual(await call("ok", false), { error: null, address: "10.0.0.7", family: 4 });
  assert.deepEqual((await call("ok", true)).address, [
    { address: "10.0.0.7", family: 4 },
    { address: "fd00::7", family: 6 },
  ]);
  const mixed = await call("mixed", true);
  assert.match(
    String(mixed.error?.message),
    /mixed resolves to 169\.254\.169\.254, which is in the IP range blocklist/,
  );
  assert.equal((mixed.error as { code?: string }).code, "IP_BLOCKED");
  assert.equal((await call("nxdomain", false)).error?.message, "getaddrinfo ENOTFOUND nxdomain");
});

test("the database source never opens a connection to a blocked address", async () => {
  let connections = 0;
  const listener = net.createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
  const port = (listener.address() as net.AddressInfo).port;
  try {
    const blocked = (url: string, env: Env = {}, dns?: ReturnType<typeof fakeDns>) => {
      const { upstream, attempts } = settingsOf({ FEDCONSOLE_UPSTREAM_DATABASE_URL: url, ...env });
      const src = createDatabaseSource(upstream, attempts, { dns });
      sources.push(src);
      return assert.rejects(src.destination("a.example", AbortSignal.timeout(5_000)), (e) => {
        assert.ok(e instanceof UpstreamError, String(e));
        assert.equal(e.kind, "unreachable");
        assert.match(e.message, /IP range blocklist/);
        return true;
      });
    };
    const narrow = { FEDCONSOLE_UPSTREAM_IP_RANGE_ALLOWLIST: "10.0.0.0/8" };
    await blocked(`postgresql://ro:pw@127.0.0.1:${port}/synapse`, narrow);
    await blocked(`postgresql://ro:pw@[::ffff:127.0.0.1]:${port}/synapse`, narrow);
    await blocked(
      `postgresql://ro:pw@synapse-db.internal:${port}/synapse`,
      narrow,
      fakeDns({ "synapse-db.internal": ["127.0.0.1"] }),
    );
    // Cloud metadata stays blocked with the default allowlist; refused at once, not timed out.
    await blocked(`postgresql://ro:pw@169.254.169.254:${port}/synapse`);
    await blocked(
      `postgresql://ro:pw@metadata.internal:${port}/synapse`,
      {},
      fakeDns({ "metadata.internal": ["169.254.169.254"] }),
    );
    assert.equal(connections, 0);

    // An allowed name reaches the checked address (and the fake server hangs up: unreachable).
    const { upstream, attempts } = settingsOf({
      FEDCONSOLE_UPSTREAM_DATABASE_URL: `postgresql://ro:pw@synapse-db.internal:${port}/synapse`,
    });
    const ok = createDatabaseSource(upstream, attempts, { dns: fakeDns({ "synapse-db.internal": ["127.0.0.1"] }) });
    sources.push(ok);
    await assert.rejects(ok.destination("a.example", AbortSignal.timeout(5_000)), (e) => {
      return e instanceof UpstreamError && e.kind === "unreachable" && !/blocklist/.test(e.message);
    });
    assert.equal(connections, 1);
  } finally {
    await new Promise((r) => listener.close(r));
  }
});
