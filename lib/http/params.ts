// Synapse-compatible query parameter parsing (synapse/http/servlet.py): the first value of a
// repeated parameter wins, integers as Python's int() reads them, allowlisted strings.
import { AppError } from "../errors";

export type Query = URLSearchParams;

const INT = /^\s*[+-]?\d+\s*$/;
const MAX_INT64 = 9223372036854775807n;

/** A non-negative integer parameter; values beyond 64 bits are clamped (they page past any table). */
export function parseNonNegativeInteger(q: Query, name: string, fallback: bigint): bigint {
  const raw = q.get(name);
  if (raw === null) return fallback;
  if (!INT.test(raw)) {
    throw new AppError("invalid_param", `Query parameter ${name} must be an integer`);
  }
  const n = BigInt(raw.trim());
  if (n < 0n) throw new AppError("invalid_param", `Query parameter ${name} must be a positive integer.`);
  return n > MAX_INT64 ? MAX_INT64 : n;
}

/**
 * A count for our own API (?limit, ?passes): a whole number from 1, at most `max` (larger values
 * are clamped: they only ask for everything there is). Anything else — 2.5, 1e2, -1, "ten" — is
 * refused with a clear 400 instead of reaching a query.
 */
export function parseCount(q: Query, name: string, fallback: number, max: number): number {
  const raw = q.get(name);
  if (raw === null) return fallback;
  if (!/^\s*\+?\d+\s*$/.test(raw) || BigInt(raw.trim()) < 1n) {
    throw new AppError("invalid_param", `Query parameter ${name} must be a whole number from 1 to ${max}.`);
  }
  const n = BigInt(raw.trim());
  return n > BigInt(max) ? max : Number(n);
}

/**
 * A paging cursor of our own API (?before=<id>): a whole number, or null when absent. Values
 * beyond 64 bits are clamped (they only mean "from the newest"); anything else is a 400.
 */
export function parseCursor(q: Query, name: string): bigint | null {
  const raw = q.get(name);
  if (raw === null) return null;
  if (!/^\s*\+?\d+\s*$/.test(raw)) {
    throw new AppError("invalid_param", `Query parameter ${name} must be a whole number.`);
  }
  const n = BigInt(raw.trim());
  return n > MAX_INT64 ? MAX_INT64 : n;
}

export function parseChoice<T extends string>(q: Query, name: string, allowed: readonly T[], fallback: T): T {
  const raw = q.get(name);
  if (raw === null) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    const list = "[" + [...allowed].map((a) => `'${a}'`).join(", ") + "]";
    throw new AppError("invalid_param", `Query parameter '${name}' must be one of ${list}`);
  }
  return raw as T;
}

export type Direction = "f" | "b";
export const parseDirection = (q: Query): Direction => parseChoice(q, "dir", ["b", "f"] as const, "f");
