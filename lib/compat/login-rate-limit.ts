// Failed password logins, counted in memory per account and per client address: after
// MAX_FAILURES failures inside WINDOW_MS a key is refused (429 M_LIMIT_EXCEEDED, with
// retry_after_ms) until its oldest failure leaves the window. A successful login clears the
// account's count (never the address's). Counts live in this process only: a restart
// forgets them, and several server processes count separately.
import { AppError } from "../errors";

export const MAX_FAILURES = 10;
export const WINDOW_MS = 15 * 60_000;
/** At most this many keys are remembered; the oldest are dropped first. */
export const MAX_KEYS = 10_000;

export type RateLimitOptions = { maxFailures?: number; windowMs?: number; maxKeys?: number; now?: () => number };

export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(opts: RateLimitOptions = {}) {
    this.maxFailures = opts.maxFailures ?? MAX_FAILURES;
    this.windowMs = opts.windowMs ?? WINDOW_MS;
    this.maxKeys = opts.maxKeys ?? MAX_KEYS;
    this.now = opts.now ?? Date.now;
  }

  /** Milliseconds until `key` may try again; 0 when it may try now. */
  retryAfterMs(key: string): number {
    const list = this.recent(key);
    if (list.length < this.maxFailures) return 0;
    return Math.max(1, list[list.length - this.maxFailures] + this.windowMs - this.now());
  }

  /** Throws M_LIMIT_EXCEEDED when any of the keys is over its limit. */
  check(keys: string[]): void {
    const wait = Math.max(0, ...keys.map((k) => this.retryAfterMs(k)));
    if (wait > 0) {
      throw new AppError("rate_limited", "Too many failed login attempts; try again later.", { retry_after_ms: wait });
    }
  }

  recordFailure(keys: string[]): void {
    const t = this.now();
    for (const key of keys) {
      const list = this.recent(key);
      list.push(t);
      if (list.length > this.maxFailures) list.splice(0, list.length - this.maxFailures);
      this.failures.delete(key); // re-insert: Map order = least recently failed first
      this.failures.set(key, list);
    }
    while (this.failures.size > this.maxKeys) {
      this.failures.delete(this.failures.keys().next().value!);
    }
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const cutoff = this.now() - this.windowMs;
    const kept = list.filter((t) => t > cutoff);
    if (kept.length === 0) this.failures.delete(key);
    else if (kept.length !== list.length) this.failures.set(key, kept);
    return kept;
  }
}

type Holder = { limiter?: LoginRateLimiter };
const holder = ((globalThis as Record<string, unknown>).__fedconsoleLoginLimiter ??= {}) as Holder;

/** The process-wide limiter (shared by every bundle of the server, like the database pool). */
export function loginRateLimiter(): LoginRateLimiter {
  return (holder.limiter ??= new LoginRateLimiter());
}

export const accountKey = (account: string) => `account:${account}`;
export const addressKey = (address: string) => `address:${address}`;

/**
 * The client address for per-address limiting. The API handler receives a standard Request
 * without the socket's address, so this is the address a reverse proxy reports: X-Real-IP, or
 * the last (proxy-appended) X-Forwarded-For entry. Without either there is no per-address
 * limit (the per-account limit still applies): one shared bucket would let a single client
 * lock everyone out.
 */
export function clientAddress(headers: Headers): string | undefined {
  const real = headers.get("x-real-ip")?.trim();
  if (real) return real.slice(0, 100);
  const xff = headers.get("x-forwarded-for");
  const last = xff?.split(",").map((s) => s.trim()).filter(Boolean).pop();
  return last ? last.slice(0, 100) : undefined;
}
