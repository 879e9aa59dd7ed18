// FEDERATION_DNS_SERVERS: which resolvers federation lookups (attempts and checks) ask. Unset =
// the system's (getaddrinfo for addresses, so /etc/hosts still applies, as in Synapse). Set =
// those servers only, through node's c-ares Resolver, which takes "ip", "ip:port" and
// "[v6]:port" (https://nodejs.org/api/dns.html#resolversetserversservers). Tests point it at a
// DNS server of their own on loopback, so no lookup leaves the machine.
import { promises as dnsPromises } from "node:dns";
import { isIP } from "node:net";
import { systemDns, type DnsAddress, type DnsFunctions } from "./guarded-lookup";

/** DnsFunctions plus the record types a check reports (CNAME, A and AAAA apart). */
export type CheckDns = DnsFunctions & {
  resolveCname(name: string): Promise<string[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
};

/** Parses "ip", "ip:port" or "[v6]:port" entries, comma/space separated; `name` is the setting. */
export function parseDnsServers(raw: string, name: string): string[] {
  const entries = raw.split(/[\s,]+/).filter((e) => e !== "");
  for (const entry of entries) {
    const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry);
    const plain = /^([^:]+)(?::(\d{1,5}))?$/.exec(entry);
    const [host, port] = bracketed ? [bracketed[1], bracketed[2]] : plain ? [plain[1], plain[2]] : [entry, undefined];
    const ok =
      (bracketed ? isIP(host) === 6 : plain ? isIP(host) === 4 : isIP(entry) === 6) &&
      (port === undefined || (Number(port) >= 1 && Number(port) <= 65535));
    if (!ok) {
      throw new Error(
        `${name}: invalid DNS server "${entry}" (expected an IP address with an optional port, e.g. "10.0.0.53", "127.0.0.1:5353" or "[::1]:5353")`,
      );
    }
  }
  return entries;
}

// Short timeouts: a check or an attempt has its own deadline, and a dead resolver must not
// eat all of it (c-ares defaults to 5 s × 4 tries).
const RESOLVER_OPTIONS = { timeout: 2_000, tries: 2 };

async function addressesOf(resolver: dnsPromises.Resolver, host: string): Promise<DnsAddress[]> {
  if (isIP(host) !== 0) return [{ address: host, family: isIP(host) }];
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const found: DnsAddress[] = [
    ...(v4.status === "fulfilled" ? v4.value.map((address) => ({ address, family: 4 })) : []),
    ...(v6.status === "fulfilled" ? v6.value.map((address) => ({ address, family: 6 })) : []),
  ];
  if (found.length > 0) return found;
  // Both failed or both empty: report the more telling error (NXDOMAIN over "no data").
  const errors = [v4, v6].flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  const code = (e: unknown) => (e as { code?: string }).code;
  throw (
    errors.find((e) => code(e) === "ENOTFOUND") ??
    errors[0] ??
    Object.assign(new Error(`queryA ENODATA ${host}`), { code: "ENODATA", hostname: host })
  );
}

/** The DNS functions of FEDERATION_DNS_SERVERS; undefined or empty = the system's. */
export function dnsFor(servers: readonly string[] | undefined): CheckDns {
  const resolver = new dnsPromises.Resolver(RESOLVER_OPTIONS);
  if (servers !== undefined && servers.length > 0) {
    resolver.setServers([...servers]);
    return {
      lookup: (host) => addressesOf(resolver, host),
      resolveSrv: (name) => resolver.resolveSrv(name),
      resolveCname: (name) => resolver.resolveCname(name),
      resolve4: (name) => resolver.resolve4(name),
      resolve6: (name) => resolver.resolve6(name),
    };
  }
  return {
    ...systemDns,
    resolveCname: (name) => resolver.resolveCname(name),
    resolve4: (name) => resolver.resolve4(name),
    resolve6: (name) => resolver.resolve6(name),
  };
}
