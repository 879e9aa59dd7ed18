// An in-memory DnsFunctions for tests: names map to addresses or SRV records, unknown
// names fail like Node's resolver does (ENOTFOUND), and every query is logged. Keeps
// tests off the network (no query ever leaves the process).
import type { DnsAddress, DnsFunctions, SrvRecord } from "../guarded-lookup";

export type FakeDnsAnswer<T> = T[] | { errorCode: string };

export type FakeDnsZone = {
  /** host → addresses (family inferred), or an error code such as "EAI_AGAIN". */
  hosts?: Record<string, FakeDnsAnswer<string>>;
  /** full SRV name, e.g. "_matrix-fed._tcp.example.test" → records or an error code. */
  srv?: Record<string, FakeDnsAnswer<SrvRecord>>;
};

export type FakeDns = DnsFunctions & { queries: string[] };

function dnsError(code: string, syscall: string, name: string): Error {
  return Object.assign(new Error(`${syscall} ${code} ${name}`), { code, syscall, hostname: name });
}

export function createFakeDns(zone: FakeDnsZone): FakeDns {
  const queries: string[] = [];
  return {
    queries,
    async lookup(host: string): Promise<DnsAddress[]> {
      queries.push(`A/AAAA ${host}`);
      const answer = zone.hosts?.[host];
      if (answer === undefined) throw dnsError("ENOTFOUND", "getaddrinfo", host);
      if (!Array.isArray(answer)) throw dnsError(answer.errorCode, "getaddrinfo", host);
      return answer.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    },
    async resolveSrv(name: string): Promise<SrvRecord[]> {
      queries.push(`SRV ${name}`);
      const answer = zone.srv?.[name];
      if (answer === undefined) throw dnsError("ENOTFOUND", "querySrv", name);
      if (!Array.isArray(answer)) throw dnsError(answer.errorCode, "querySrv", name);
      return answer;
    },
  };
}
