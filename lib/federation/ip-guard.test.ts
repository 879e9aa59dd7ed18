import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSettings } from "../settings/settings";
import {
  BEYOND_SYNAPSE_IP_RANGE_BLOCKLIST,
  DEFAULT_IP_RANGE_BLOCKLIST,
  SYNAPSE_IP_RANGE_BLOCKLIST,
  createIpGuard,
  ipGuardFrom,
  parseCidrList,
} from "./ip-guard";

const loadIpGuard = (env: Record<string, string>) => ipGuardFrom(loadSettings(env).attempts);

// One address inside each default range (first column must match the list entry).
const INSIDE: { range: string; ip: string }[] = [
  { range: "127.0.0.0/8", ip: "127.255.0.9" },
  { range: "10.0.0.0/8", ip: "10.200.3.4" },
  { range: "172.16.0.0/12", ip: "172.31.255.254" },
  { range: "192.168.0.0/16", ip: "192.168.1.1" },
  { range: "100.64.0.0/10", ip: "100.127.0.1" },
  { range: "192.0.0.0/24", ip: "192.0.0.170" },
  { range: "169.254.0.0/16", ip: "169.254.169.254" },
  { range: "192.88.99.0/24", ip: "192.88.99.1" },
  { range: "198.18.0.0/15", ip: "198.19.1.1" },
  { range: "192.0.2.0/24", ip: "192.0.2.10" },
  { range: "198.51.100.0/24", ip: "198.51.100.7" },
  { range: "203.0.113.0/24", ip: "203.0.113.200" },
  { range: "224.0.0.0/4", ip: "239.255.255.250" },
  { range: "::1/128", ip: "::1" },
  { range: "fe80::/10", ip: "febf::1" },
  { range: "fc00::/7", ip: "fd12:3456::1" },
  { range: "2001:db8::/32", ip: "2001:db8:ffff::1" },
  { range: "ff00::/8", ip: "ff02::1" },
  { range: "fec0::/10", ip: "fec0::1" },
  // beyond Synapse's list
  { range: "64:ff9b::/96", ip: "64:ff9b::a00:1" }, // NAT64 of 10.0.0.1
  { range: "64:ff9b:1::/48", ip: "64:ff9b:1:ffff::1" },
  { range: "::ffff:0:0:0/96", ip: "::ffff:0:7f00:1" }, // IPv4-translated 127.0.0.1
  { range: "240.0.0.0/4", ip: "255.255.255.255" },
  { range: "0.0.0.0/8", ip: "0.1.2.3" },
];

const PUBLIC = [
  "1.1.1.1",
  "8.8.8.8",
  "11.0.0.1", // just past 10/8
  "172.32.0.1", // just past 172.16/12
  "100.128.0.1", // just past 100.64/10
  "198.20.0.1", // just past 198.18/15
  "2606:4700::1111",
  "2001:4860:4860::8888",
  "::ffff:1.1.1.1",
  "2002:101:101::1", // 6to4 of 1.1.1.1
];

// The three IPv6 spellings Synapse adds for an IPv4 address.
function ipv6Forms(ipv4: string): string[] {
  const [a, b, c, d] = ipv4.split(".").map(Number);
  const hi = ((a << 8) | b).toString(16);
  const lo = ((c << 8) | d).toString(16);
  return [`::ffff:${ipv4}`, `::ffff:${hi}:${lo}`, `::${ipv4}`, `::${hi}:${lo}`, `2002:${hi}:${lo}::1`];
}

test("the sample table covers exactly the default list", () => {
  assert.deepEqual(
    INSIDE.map((r) => r.range),
    [...DEFAULT_IP_RANGE_BLOCKLIST],
  );
});

test("default: one address inside every range is blocked, with its IPv6 forms", () => {
  const guard = createIpGuard();
  for (const { range, ip } of INSIDE) {
    assert.equal(guard.isBlocked(ip), true, `${ip} (${range})`);
    if (!ip.includes(":"))
      for (const form of ipv6Forms(ip)) assert.equal(guard.isBlocked(form), true, `${form} (${range})`);
  }
});

test("the default list is Synapse's and, beyond it, NAT64, IPv4-translated, 240/4 and 0/8", () => {
  assert.equal(SYNAPSE_IP_RANGE_BLOCKLIST.length, 19);
  assert.deepEqual(
    [...BEYOND_SYNAPSE_IP_RANGE_BLOCKLIST],
    ["64:ff9b::/96", "64:ff9b:1::/48", "::ffff:0:0:0/96", "240.0.0.0/4", "0.0.0.0/8"],
  );
  assert.deepEqual(
    [...DEFAULT_IP_RANGE_BLOCKLIST],
    [...SYNAPSE_IP_RANGE_BLOCKLIST, ...BEYOND_SYNAPSE_IP_RANGE_BLOCKLIST],
  );
  const guard = createIpGuard();
  for (const ip of [
    "64:ff9b::127.0.0.1", // NAT64 spellings of loopback, private and metadata addresses
    "64:ff9b::10.1.2.3",
    "64:ff9b::169.254.169.254",
    "64:ff9b::8.8.8.8", // any NAT64 address: the translator decides where it goes
    "64:ff9b:1::1",
    "64:ff9b:1:abcd::10.0.0.1",
    "::ffff:0:10.0.0.1",
    "::ffff:0:0.0.0.0",
    "240.0.0.1",
    "250.1.2.3",
    "0.0.0.1",
    "0.255.255.255",
    "::ffff:240.0.0.1", // IPv4 ranges are expanded to their IPv6 forms as Synapse's are
    "::ffff:0.1.2.3",
    "2002:f000:1::1",
  ]) {
    assert.equal(guard.isBlocked(ip), true, ip);
  }
  // just outside them
  for (const ip of [
    "64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff",
    "64:ff9b:0:0:1::1",
    "64:ff9b:2::1",
    "::fffe:0:0:1",
    "223.255.255.254",
    "1.0.0.1",
  ]) {
    assert.equal(guard.isBlocked(ip), false, ip);
  }
  // a custom blocklist replaces all of it, as in Synapse
  assert.equal(createIpGuard({ blocklist: ["10.0.0.0/8"] }).isBlocked("64:ff9b::a00:1"), false);
});

test("default: public addresses are allowed", () => {
  const guard = createIpGuard();
  for (const ip of PUBLIC) assert.equal(guard.isBlocked(ip), false, ip);
});

test("mapped, compatible and 6to4 forms of 127.0.0.1 and 10.1.2.3 are blocked", () => {
  const guard = createIpGuard();
  for (const ip of [
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::127.0.0.1",
    "::7f00:1",
    "2002:7f00:1::",
    "2002:7f00:1:ffff::1",
  ]) {
    assert.equal(guard.isBlocked(ip), true, ip);
  }
  for (const ip of [
    "::ffff:10.1.2.3",
    "::ffff:a01:203",
    "::10.1.2.3",
    "::a01:203",
    "2002:a01:203::",
    "2002:a01:203:1::5",
  ]) {
    assert.equal(guard.isBlocked(ip), true, ip);
  }
});

test("0.0.0.0 and :: are blocked by default and with a custom list", () => {
  for (const guard of [
    createIpGuard(),
    createIpGuard({ blocklist: [] }),
    createIpGuard({ blocklist: ["10.0.0.0/8"] }),
  ]) {
    assert.equal(guard.isBlocked("0.0.0.0"), true);
    assert.equal(guard.isBlocked("::"), true);
    assert.equal(guard.isBlocked("::ffff:0.0.0.0"), true);
  }
  const custom = createIpGuard({ blocklist: ["10.0.0.0/8"] });
  assert.equal(custom.isBlocked("127.0.0.1"), false, "a custom list replaces the default");
  assert.equal(custom.isBlocked("10.9.9.9"), true);
  assert.equal(custom.isBlocked("2002:a09:909::1"), true, "custom IPv4 ranges are expanded too");
});

test("allowlist 127.0.0.0/8 opens loopback but nothing else", () => {
  const guard = createIpGuard({ allowlist: ["127.0.0.0/8"] });
  assert.equal(guard.isBlocked("127.0.0.1"), false);
  assert.equal(guard.isBlocked("127.1.2.3"), false);
  assert.equal(guard.isBlocked("::ffff:127.0.0.1"), false, "BlockList matches the mapped form");
  assert.equal(guard.isBlocked("10.0.0.1"), true);
  assert.equal(guard.isBlocked("::1"), true);
  assert.equal(guard.isBlocked("::127.0.0.1"), true, "the allowlist is not expanded, as in Synapse");
  assert.equal(guard.isBlocked("2002:7f00:1::"), true);
});

test("allowlist can open the always-blocked addresses explicitly", () => {
  const guard = createIpGuard({ allowlist: ["0.0.0.0/32", "::/128"] });
  assert.equal(guard.isBlocked("0.0.0.0"), false);
  assert.equal(guard.isBlocked("::"), false);
});

test("bracketed and zoned IPv6 literals are checked; non-IPs fail closed", () => {
  const guard = createIpGuard();
  assert.equal(guard.isBlocked("[::1]"), true);
  assert.equal(guard.isBlocked("fe80::1%eth0"), true);
  assert.equal(guard.isBlocked("[2606:4700::1111]"), false);
  for (const ip of ["", "localhost", "example.org", "1.2.3", "010.0.0.1", "1.1.1.1:443"]) {
    assert.equal(guard.isBlocked(ip), true, JSON.stringify(ip));
  }
});

test("parseCidrList: comma and whitespace separated, validated", () => {
  assert.deepEqual(parseCidrList("", "X"), []);
  assert.deepEqual(parseCidrList(" , ", "X"), []);
  assert.deepEqual(parseCidrList("127.0.0.0/8, ::1/128\n10.0.0.0/8  fc00::/7,1.2.3.4", "X"), [
    "127.0.0.0/8",
    "::1/128",
    "10.0.0.0/8",
    "fc00::/7",
    "1.2.3.4",
  ]);
  for (const bad of [
    "10.0.0.0/33",
    "::/129",
    "10.0.0.0/",
    "10.0.0.0/8/8",
    "10.0.0/8",
    "example.org",
    "fe80::1%eth0",
    "10.0.0.0/-1",
    "10.0.0.0/0x8",
  ]) {
    assert.throws(
      () => parseCidrList(`127.0.0.0/8,${bad}`, "FEDERATION_IP_RANGE_ALLOWLIST"),
      (err: unknown) =>
        err instanceof Error &&
        err.message.includes("FEDERATION_IP_RANGE_ALLOWLIST") &&
        err.message.includes(`"${bad}"`),
      bad,
    );
  }
});

test("createIpGuard rejects invalid ranges", () => {
  assert.throws(() => createIpGuard({ blocklist: ["10.0.0.0/40"] }), /blocklist: invalid IP range "10.0.0.0\/40"/);
  assert.throws(() => createIpGuard({ allowlist: ["nope"] }), /allowlist: invalid IP range "nope"/);
});

test("loadIpGuard reads the environment", () => {
  const byDefault = loadIpGuard({});
  assert.equal(byDefault.isBlocked("127.0.0.1"), true);
  assert.equal(byDefault.isBlocked("1.1.1.1"), false);
  assert.equal(loadIpGuard({ FEDERATION_IP_RANGE_BLOCKLIST: "  " }).isBlocked("10.0.0.1"), true, "blank = default");

  const opened = loadIpGuard({ FEDERATION_IP_RANGE_ALLOWLIST: "127.0.0.0/8" });
  assert.equal(opened.isBlocked("127.0.0.1"), false);
  assert.equal(opened.isBlocked("10.0.0.1"), true);

  const custom = loadIpGuard({ FEDERATION_IP_RANGE_BLOCKLIST: "1.1.1.0/24" });
  assert.equal(custom.isBlocked("1.1.1.1"), true);
  assert.equal(custom.isBlocked("10.0.0.1"), false);
  assert.equal(custom.isBlocked("::"), true);

  assert.throws(
    () => loadIpGuard({ FEDERATION_IP_RANGE_BLOCKLIST: "10.0.0.0/8,bogus" }),
    /FEDERATION_IP_RANGE_BLOCKLIST: invalid IP range "bogus"/,
  );
  assert.throws(
    () => loadIpGuard({ FEDERATION_IP_RANGE_ALLOWLIST: "127.0.0.0/88" }),
    /FEDERATION_IP_RANGE_ALLOWLIST: invalid IP range/,
  );
});
