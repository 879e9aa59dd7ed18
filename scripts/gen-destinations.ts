// Deterministic test data for `fedctl destinations import`: N JSON Lines on stdout.
//
//   npx tsx scripts/gen-destinations.ts [N=1000000] > /tmp/destinations.jsonl
//
// Fixed seed, so the same N always gives the same bytes. Roughly: 70% healthy destinations
// (retry_last_ts 0), 30% failing with Synapse-like backoff intervals between 10 minutes and
// 7 days and failure_ts before retry_last_ts; 10% with a null last_successful_stream_ordering;
// 0-10 rooms each (5 on average), listed by room_id as `export` writes them. Names look like
// host1234567.example.org, some with a port, a few IPv6 and IPv4 literals; all distinct.
// Every 100,000th line carries values above 2^53 so exactness is exercised too.
// Import then export gives back exactly `LC_ALL=C sort` of this output.
import { formatRecord } from "../lib/destinations/jsonl-record";
import type { RoomRow } from "../lib/destinations/types";
import { integerArg, scriptArgs } from "../lib/cli/script-args";

const ARGS = scriptArgs({
  name: "npx tsx scripts/gen-destinations.ts",
  usage: "[N=1000000]",
  description: "N deterministic destinations as JSON Lines on standard output, for fedctl destinations import.",
  positionals: ["N"],
  options: {},
});
const N = ARGS.positionals[0] === undefined ? 1_000_000 : integerArg("N", ARGS.positionals[0]);

// splitmix32-style PRNG with a fixed seed.
let state = 0x5eed1234;
function rand(): number {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return (z >>> 0) / 4294967296;
}
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1)); // inclusive

const NOW = 1_764_115_200_000; // 2025-11-26T00:00:00Z, fixed for determinism
const MIN_INTERVAL = 10 * 60 * 1000;
const MAX_INTERVAL = 7 * 24 * 3600 * 1000;
const M = 10_000_000; // name space; i -> (i * A + B) mod M is a bijection, so names are distinct
const A = 7_368_787; // coprime with 10^7
const B = 1_234_567;
const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

function serverName(i: number): string {
  const k = (i * A + B) % M;
  const r = rand();
  if (r < 0.003)
    return `[2001:db8:${(k >>> 16).toString(16)}::${(k & 0xffff).toString(16)}]${rand() < 0.5 ? ":8448" : ""}`;
  if (r < 0.008) return `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}:${8000 + (k % 1000)}`;
  const base = `host${String(k).padStart(7, "0")}.example.org`;
  if (r < 0.1) return `${base}:${rand() < 0.7 ? 8448 : int(1024, 65535)}`;
  return base;
}

function roomServer(): string {
  return `host${String(int(0, M - 1)).padStart(7, "0")}.example.org`;
}

function roomId(): string {
  let s = "!";
  for (let j = 0; j < 18; j++) s += LETTERS[Math.floor(rand() * 52)];
  return `${s}:${roomServer()}`;
}

function line(i: number): string {
  const destination = serverName(i);
  const failing = rand() < 0.3;
  let retryLastTs = 0n;
  let retryInterval = 0n;
  let failureTs: bigint | null = null;
  if (failing) {
    // Synapse backoff: 10 min doubling with jitter, capped at 7 days.
    const steps = int(0, 10);
    const interval = Math.min(MAX_INTERVAL, Math.round(MIN_INTERVAL * 2 ** steps * (0.8 + rand() * 0.6)));
    const last = NOW - int(0, Math.round(interval * 1.5));
    retryLastTs = BigInt(last);
    retryInterval = BigInt(Math.max(MIN_INTERVAL, interval));
    failureTs = BigInt(last - int(0, 2 ** steps * MIN_INTERVAL * 2));
  }
  const lsso: bigint | null = rand() < 0.1 ? null : BigInt(int(1, 4_000_000_000));
  const n = int(0, 10);
  const rooms: RoomRow[] = [];
  const seen = new Set<string>();
  for (let j = 0; j < n; j++) {
    const id = roomId();
    if (seen.has(id)) continue;
    seen.add(id);
    rooms.push({ roomId: id, streamOrdering: BigInt(int(1, 4_000_000_000)) });
  }
  // Every 100,000th line: values JSON.parse/Number would corrupt.
  rooms.sort((a, b) => (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0)); // as exported (ASCII ids)
  const huge = i % 100_000 === 99_999;
  if (huge && rooms.length) rooms[0] = { roomId: rooms[0].roomId, streamOrdering: -9223372036854775808n };
  return formatRecord(
    {
      destination,
      retryLastTs: huge ? 9007199254740993n : retryLastTs,
      retryInterval: huge ? 9007199254740995n : retryInterval,
      failureTs: huge ? 9007199254740991n : failureTs,
      lastSuccessfulStreamOrdering: huge ? 9223372036854775807n : lsso,
    },
    rooms,
  );
}

async function main() {
  const out = process.stdout;
  let buf: string[] = [];
  let len = 0;
  for (let i = 0; i < N; i++) {
    const l = line(i) + "\n";
    buf.push(l);
    len += l.length;
    if (len >= 1 << 20) {
      if (!out.write(buf.join(""))) await new Promise((r) => out.once("drain", r));
      buf = [];
      len = 0;
    }
  }
  if (buf.length) out.write(buf.join(""));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
