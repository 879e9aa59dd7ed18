// SSRF guard for outbound federation connections: Synapse's ip_range_blacklist /
// ip_range_whitelist (synapse/config/server.py, generate_ip_set). An address is blocked iff
// it is in the blocklist and not in the allowlist. Check every resolved address before
// connecting, including SRV targets, delegated hosts and redirect hops.
import { BlockList, isIP } from "node:net";

/** Synapse's DEFAULT_IP_RANGE_BLOCKLIST (synapse/config/server.py). */
export const SYNAPSE_IP_RANGE_BLOCKLIST: readonly string[] = Object.freeze([
  "127.0.0.0/8", // loopback
  "10.0.0.0/8", // private
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10", // carrier-grade NAT
  "192.0.0.0/24", // IETF protocol assignments
  "169.254.0.0/16", // link-local
  "192.88.99.0/24", // former 6to4 relay anycast
  "198.18.0.0/15", // benchmarking
  "192.0.2.0/24", // documentation / test nets
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4", // multicast
  "::1/128", // loopback
  "fe80::/10", // link-local
  "fc00::/7", // unique local
  "2001:db8::/32", // documentation
  "ff00::/8", // multicast
  "fec0::/10", // site-local (deprecated)
]);

/**
 * Beyond Synapse's list: ranges that reach an IPv4 address (often a private one) through a
 * translator, or that are not routable on the internet at all.
 */
export const BEYOND_SYNAPSE_IP_RANGE_BLOCKLIST: readonly string[] = Object.freeze([
  "64:ff9b::/96", // NAT64 well-known prefix (RFC 6052): 64:ff9b::10.0.0.1 is 10.0.0.1 via a translator
  "64:ff9b:1::/48", // NAT64 local-use prefix (RFC 8215)
  "::ffff:0:0:0/96", // IPv4-translated addresses (RFC 2765 SIIT)
  "240.0.0.0/4", // reserved ("class E"), and the limited broadcast 255.255.255.255
  "0.0.0.0/8", // "this network" (RFC 791): 0.x.y.z can reach the local host
]);

/** The default blocklist: Synapse's, and ours beyond it. */
export const DEFAULT_IP_RANGE_BLOCKLIST: readonly string[] = Object.freeze([
  ...SYNAPSE_IP_RANGE_BLOCKLIST,
  ...BEYOND_SYNAPSE_IP_RANGE_BLOCKLIST,
]);

// Synapse adds these to every blocklist, custom ones included: connecting to the
// unspecified address reaches the local host.
const ALWAYS_BLOCKED = ["0.0.0.0", "::"];

export type IpGuard = { isBlocked(ip: string): boolean };
export type IpGuardOptions = { blocklist?: readonly string[]; allowlist?: readonly string[] };

type Range = { family: "ipv4" | "ipv6"; network: string; prefix: number };

function parseRange(entry: string, name: string): Range {
  const [address, prefixText, ...rest] = entry.split("/");
  const family = isIP(address);
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  // Zone ids ("fe80::1%eth0") name an interface, not a range.
  if (family === 0 || address.includes("%") || rest.length > 0 || !(prefix <= max)) {
    throw new Error(
      `${name}: invalid IP range "${entry}" (expected an IPv4 or IPv6 address with an ` +
        `optional /prefix, e.g. "10.0.0.0/8" or "fc00::/7")`,
    );
  }
  return { family: family === 4 ? "ipv4" : "ipv6", network: address, prefix };
}

function ipv4ToInt(address: string): number {
  return address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

// The IPv6 spellings of an IPv4 network, as Synapse adds them: IPv4-compatible
// (::a.b.c.d), IPv4-mapped (::ffff:a.b.c.d, which BlockList also matches by itself) and
// 6to4 (2002:AABB:CCDD::/16+len, first address of the network in hex).
function ipv6Forms(range: Range): Range[] {
  const mask = range.prefix === 0 ? 0 : (0xffffffff << (32 - range.prefix)) >>> 0;
  const first = (ipv4ToInt(range.network) & mask) >>> 0;
  const hi = (first >>> 16).toString(16);
  const lo = (first & 0xffff).toString(16);
  return [
    { family: "ipv6", network: `::${hi}:${lo}`, prefix: 96 + range.prefix },
    { family: "ipv6", network: `::ffff:${hi}:${lo}`, prefix: 96 + range.prefix },
    { family: "ipv6", network: `2002:${hi}:${lo}::`, prefix: 16 + range.prefix },
  ];
}

function buildList(entries: readonly string[], name: string, expand: boolean): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const range = parseRange(entry, name);
    const ranges = expand && range.family === "ipv4" ? [range, ...ipv6Forms(range)] : [range];
    for (const r of ranges) list.addSubnet(r.network, r.prefix, r.family);
  }
  return list;
}

/**
 * Builds the guard. The blocklist defaults to Synapse's plus ours and always gets 0.0.0.0 and ::.
 * The allowlist is not expanded (as in Synapse), but BlockList itself matches IPv4 rules
 * against ::ffff:-mapped addresses, so allowing 127.0.0.0/8 also allows ::ffff:127.0.0.1
 * (the same socket) while ::127.0.0.1 and 2002:7f00:1:: stay blocked.
 */
export function createIpGuard(options: IpGuardOptions = {}): IpGuard {
  const blocked = buildList(
    [...(options.blocklist ?? DEFAULT_IP_RANGE_BLOCKLIST), ...ALWAYS_BLOCKED],
    "blocklist",
    true,
  );
  const allowed = buildList(options.allowlist ?? [], "allowlist", false);
  return {
    isBlocked(ip: string): boolean {
      // Accept URL-style "[::1]" and drop a zone id; the interface does not change the address.
      const address = ip.replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
      const family = isIP(address);
      // Not an IP literal: fail closed, an unchecked address must never be connected to.
      if (family === 0) return true;
      const type = family === 4 ? "ipv4" : "ipv6";
      return blocked.check(address, type) && !allowed.check(address, type);
    },
  };
}

/** Parses a comma- and/or whitespace-separated list of IP ranges; `name` is the setting, for errors. */
export function parseCidrList(raw: string, name: string): string[] {
  const entries = raw.split(/[\s,]+/).filter((e) => e !== "");
  for (const entry of entries) parseRange(entry, name);
  return entries;
}

/** The guard of the FEDERATION_IP_RANGE_BLOCKLIST / _ALLOWLIST settings (lib/settings). */
export function ipGuardFrom(s: { ipBlocklist: readonly string[]; ipAllowlist: readonly string[] }): IpGuard {
  return createIpGuard({ blocklist: s.ipBlocklist, allowlist: s.ipAllowlist });
}
