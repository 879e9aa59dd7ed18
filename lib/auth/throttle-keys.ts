// What a sign-in attempt is counted against (README "Sign-in throttling", SECURITY.md): the
// account from this client address, the client address over all accounts, and the account
// over all addresses (the ceiling against guessing spread over many addresses). IPv6 clients
// are keyed by their /64, the block one subscriber usually holds, so walking through the
// addresses of one's own network does not buy fresh counts.
import { isIP } from "node:net";
import type { ConsoleSettings } from "../settings/settings";

export type ThrottleKind = "account-address" | "address" | "account";
export type ThrottleKey = { key: string; kind: ThrottleKind; limit: number };

/** The 8 hextets of an IPv6 address (an embedded IPv4 tail is converted). */
function hextets(address: string): number[] {
  const toHextets = (part: string): number[] => {
    if (part === "") return [];
    const groups = part.split(":");
    const last = groups[groups.length - 1];
    if (last.includes(".")) {
      const [a, b, c, d] = last.split(".").map(Number);
      groups.splice(-1, 1, ((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
    }
    return groups.map((g) => Number.parseInt(g, 16));
  };
  const [head, tail] = address.split("::");
  const left = toHextets(head);
  const right = tail === undefined ? [] : toHextets(tail);
  return [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
}

/**
 * The address a client's failures are counted under: IPv4 as it is (also when written as an
 * IPv4-mapped IPv6 address), IPv6 as its /64 ("2001:db8:1:2::/64"), anything else (a trusted
 * proxy's odd entry) as given.
 */
export function throttleAddress(raw: string): string {
  const a = raw
    .trim()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/%.*$/, "");
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(a);
  if (mapped && isIP(mapped[1]) === 4) return mapped[1];
  if (isIP(a) !== 6) return raw.trim();
  const prefix = hextets(a)
    .slice(0, 4)
    .map((h) => h.toString(16));
  return `${prefix.join(":")}::/64`;
}

/** The keys of one attempt, in key order (the order their rows are locked in). */
export function throttleKeys(cfg: ConsoleSettings, account: string, address: string | null): ThrottleKey[] {
  const where = address === null ? null : throttleAddress(address);
  const keys: ThrottleKey[] = [
    { key: `account:${account}`, kind: "account", limit: cfg.maxFailuresPerAccount },
    {
      key: `pair:${account} from ${where ?? "unknown"}`,
      kind: "account-address",
      limit: cfg.maxFailuresPerAccountAddress,
    },
  ];
  if (where !== null) keys.push({ key: `address:${where}`, kind: "address", limit: cfg.maxFailuresPerAddress });
  return keys.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}
