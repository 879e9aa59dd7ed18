// Times and durations in the words operators read: "2 h 30 min", "in 12 min", "3 d ago",
// "2025-11-26 10:42:03 UTC". Pure and dependency-free: server pages and client components
// (relative times that keep refreshing) share it. Inputs are milliseconds as bigint or number.

type Ms = bigint | number;

const UNITS: [string, number][] = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["min", 60_000],
  ["s", 1_000],
];

/** "2 h 30 min", "7 d", "45 s", "350 ms"; at most the two largest units. Negative → "-…". */
export function formatDuration(ms: Ms): string {
  let v = typeof ms === "bigint" ? ms : BigInt(Math.round(ms));
  if (v < 0n) return "-" + formatDuration(-v);
  if (v < 1000n) return `${v} ms`;
  const parts: string[] = [];
  for (const [name, size] of UNITS) {
    const n = v / BigInt(size);
    if (n > 0n) {
      parts.push(`${n} ${name}`);
      v -= n * BigInt(size);
    }
    if (parts.length === 2) break;
    if (parts.length === 1 && n === 0n) break; // "2 d" rather than "2 d 0 h 3 min"
  }
  return parts.join(" ");
}

/** A coarse duration for relative phrases: one unit, rounded down ("12 min", "3 h", "2 d"). */
function coarse(ms: bigint): string {
  if (ms < 60_000n) return `${ms / 1000n} s`;
  for (const [name, size] of UNITS) {
    const n = ms / BigInt(size);
    if (n > 0n) return `${n} ${name}`;
  }
  return `${ms} ms`;
}

/** "in 12 min", "3 h ago", "now" (within 5 s). */
export function formatRelative(ts: Ms, nowMs: Ms): string {
  const d = BigInt(ts) - BigInt(nowMs);
  const abs = d < 0n ? -d : d;
  if (abs < 5_000n) return "now";
  return d > 0n ? `in ${coarse(abs)}` : `${coarse(abs)} ago`;
}

/** UTC, to the second: "2025-11-26 10:42:03 UTC". Values outside Date's range print as raw ms. */
export function formatTimestamp(ts: Ms): string {
  const n = Number(ts);
  if (!Number.isFinite(n) || Math.abs(n) > 8.64e15) return `${ts} ms`;
  return new Date(n).toISOString().slice(0, 19).replace("T", " ") + " UTC";
}

/** Thousands separators for counts and stream orderings, exact for bigint. */
export function formatInteger(v: Ms): string {
  const s = BigInt(v).toString();
  const neg = s.startsWith("-");
  const digits = neg ? s.slice(1) : s;
  return (neg ? "-" : "") + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
