// The IP guard of upstream connections (the homeserver's API and its PostgreSQL): the
// federation blocklist (FEDERATION_IP_RANGE_BLOCKLIST) minus FEDERATION_IP_RANGE_ALLOWLIST and
// FEDCONSOLE_UPSTREAM_IP_RANGE_ALLOWLIST — a homeserver usually lives on the operator's own
// network, while link-local (cloud metadata), multicast and the rest stay blocked.
//
// guardedPgStream() is what the database source gives pg as its `stream`: a socket that checks
// the address before it connects. A name is resolved once and refused when ANY of its
// addresses is blocked (all or nothing, as lib/federation/guarded-lookup.ts); the socket then
// connects to a checked address, so DNS rebinding cannot slip one through. pg still knows the
// original name, so TLS verifies the certificate against it (servername). A Unix socket path
// (`?host=/var/run/postgresql`) is local by construction and allowed.
import net from "node:net";
import type { LookupAddress, LookupOneOptions, LookupAllOptions } from "node:dns";
import { createIpGuard, type IpGuard } from "../federation/ip-guard";
import { systemDns, type DnsFunctions } from "../federation/guarded-lookup";
import type { AttemptSettings, UpstreamSettings } from "../settings/settings";

export function upstreamIpGuard(
  attempts: Pick<AttemptSettings, "ipBlocklist" | "ipAllowlist">,
  upstream: Pick<UpstreamSettings, "ipAllowlist">,
): IpGuard {
  return createIpGuard({
    blocklist: attempts.ipBlocklist,
    allowlist: [...attempts.ipAllowlist, ...upstream.ipAllowlist],
  });
}

/** A connection refused by the guard (code IP_BLOCKED), before any packet was sent. */
export class UpstreamBlockedError extends Error {
  readonly code = "IP_BLOCKED";
  constructor(host: string, blocked: string[]) {
    const which = host === blocked[0] ? host : `${host} resolves to ${blocked.join(", ")}, which`;
    super(
      `${which} ${blocked.length > 1 ? "are" : "is"} in the IP range blocklist ` +
        "(FEDERATION_IP_RANGE_BLOCKLIST; open it with FEDCONSOLE_UPSTREAM_IP_RANGE_ALLOWLIST)",
    );
    this.name = "UpstreamBlockedError";
  }
}

/** Throws UpstreamBlockedError when `host` is an IP literal the guard refuses (literals never reach a lookup). */
export function checkLiteral(host: string, guard: IpGuard): void {
  const address = host.replace(/^\[(.*)\]$/, "$1");
  if (net.isIP(address) !== 0 && guard.isBlocked(address)) throw new UpstreamBlockedError(address, [address]);
}

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

/** A net `lookup` that resolves through `dns` and refuses a name with any blocked address. */
export function guardedNetLookup(guard: IpGuard, dns: Pick<DnsFunctions, "lookup"> = systemDns) {
  return (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    dns.lookup(hostname).then(
      (records) => {
        const blocked = [...new Set(records.map((r) => r.address))].filter((a) => guard.isBlocked(a));
        if (records.length === 0) {
          const e = Object.assign(new Error(`${hostname} has no addresses`), { code: "ENOTFOUND" });
          callback(e, []);
        } else if (blocked.length > 0) callback(new UpstreamBlockedError(hostname, blocked), []);
        else if ("all" in options && options.all) callback(null, records);
        else {
          const family = options.family === 4 || options.family === 6 ? options.family : 0;
          const r = records.find((x) => family === 0 || x.family === family) ?? records[0];
          callback(null, r.address, r.family);
        }
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), []),
    );
  };
}

/** pg's `stream` option: a fresh guarded socket per connection. */
export function guardedPgStream(guard: IpGuard, dns: Pick<DnsFunctions, "lookup"> = systemDns): () => net.Socket {
  const lookup = guardedNetLookup(guard, dns);
  return () => {
    const socket = new net.Socket();
    const connect = socket.connect.bind(socket) as (...args: unknown[]) => net.Socket;
    // pg calls connect(port, host) for TCP and connect(path) for a Unix socket.
    socket.connect = ((port: number | string, host?: string) => {
      if (typeof port === "string" && host === undefined) return connect(port);
      const address = (host ?? "localhost").replace(/^\[(.*)\]$/, "$1");
      if (net.isIP(address) !== 0) {
        // Literals never reach `lookup`: check them here.
        if (guard.isBlocked(address)) {
          process.nextTick(() => socket.destroy(new UpstreamBlockedError(address, [address])));
          return socket;
        }
        return connect(Number(port), address);
      }
      return connect({ port: Number(port), host: address, lookup });
    }) as typeof socket.connect;
    return socket;
  };
}
