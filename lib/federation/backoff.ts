// Synapse's per-destination retry limiter (synapse/util/retryutils.py) as a pure policy:
// no clock, no I/O. Callers pass `now` and persist what nextTimings() returns through the
// guarded upsert below. All ms values are bigint: the columns are BIGINT and values above
// 2^53 must survive round trips exactly.

export type Timings = { retryLastTs: bigint; retryInterval: bigint; failureTs: bigint | null };
export type BackoffConfig = { minIntervalMs: bigint; multiplier: number; maxIntervalMs: bigint };
export type Outcome = "success" | "failure" | "neutral";

/** Synapse's defaults: 10 min after the first failure, ×2 per further failure, cap 7 days. */
export const DEFAULT_BACKOFF: Readonly<BackoffConfig> = Object.freeze({
  minIntervalMs: 600_000n,
  multiplier: 2,
  maxIntervalMs: 604_800_000n,
});

/** What a success or an admin reset writes: failure_ts NULL, retry_last_ts 0, interval 0. */
export const CLEARED_TIMINGS: Readonly<Timings> = Object.freeze({
  retryLastTs: 0n,
  retryInterval: 0n,
  failureTs: null,
});

// Synapse's reader returns "no timings" when retry_last_ts is 0/NULL, whatever the other
// columns hold; everything then behaves as healthy (interval 0, failure_ts NULL).
function effective(t: Timings | null): Timings | null {
  return t !== null && t.retryLastTs > 0n ? t : null;
}

/**
 * May we contact the destination at `nowMs`? Due when retry_last_ts + retry_interval <= now:
 * Synapse refuses only while next-retry > now, so the exact boundary is allowed.
 */
export function isDue(t: Timings | null, nowMs: bigint): boolean {
  const read = effective(t);
  return read === null || read.retryLastTs + read.retryInterval <= nowMs;
}

// Python's random.uniform(0.8, 1.4) is a + (b - a) * random(); same float steps here so
// results match Synapse bit for bit for the same random draw.
function jitter(random: () => number): number {
  return 0.8 + (1.4 - 0.8) * random();
}

function grownInterval(interval: bigint, config: BackoffConfig, random: () => number): bigint {
  // First failure of an outage: exactly the minimum, no jitter.
  if (interval <= 0n) return config.minIntervalMs;
  // Synapse multiplies in floating point too; only the product goes through Number.
  const product = Number(interval) * config.multiplier * jitter(random);
  const grown = Number.isFinite(product) ? BigInt(Math.floor(product)) : config.maxIntervalMs;
  // Compared as bigint so a cap above 2^53 is returned exactly.
  return grown >= config.maxIntervalMs ? config.maxIntervalMs : grown;
}

/**
 * The timings to write after one logical request with `outcome`, given the timings read
 * at gate time (`current`, null = no row), or null when nothing must be written.
 * - success: clears the backoff if there was one (caller fires "remote server up" if the
 *   previous failureTs was set); a healthy destination needs no write.
 * - neutral (e.g. 403/404): the server answered but must not clear a backoff: no write.
 * - failure: grows the interval, retry_last_ts = now, failure_ts kept from the first failure.
 * A caller honouring Synapse's ignoreBackoff passes "neutral" instead of "failure".
 */
export function nextTimings(
  current: Timings | null,
  outcome: Outcome,
  nowMs: bigint,
  config: BackoffConfig,
  random: () => number = Math.random,
): Timings | null {
  const read = effective(current);
  const interval = read?.retryInterval ?? 0n;
  switch (outcome) {
    case "neutral":
      return null;
    case "success":
      return interval === 0n ? null : { ...CLEARED_TIMINGS };
    case "failure":
      return {
        retryLastTs: nowMs,
        retryInterval: grownInterval(interval, config, random),
        failureTs: read?.failureTs ?? nowMs,
      };
  }
}

/**
 * Outcome of a response with an HTTP status, as Synapse's limiter sees a generic request:
 * 2xx success; 401, 429 and 5xx failure; anything else (3xx, other 4xx) neutral, because
 * deprovisioned servers answer 403/404 forever and that must neither grow nor clear backoff.
 */
export function classifyHttpStatus(status: number): Outcome {
  if (status >= 200 && status < 300) return "success";
  if (status === 401 || status === 429 || status >= 500) return "failure";
  return "neutral";
}

/**
 * Synapse's monotonic write guard (§1.6): concurrent writers converge on the later attempt
 * or the larger interval, and a reset (interval 0 or retry_last_ts 0) always wins.
 * `stored` null = no row yet (plain insert).
 */
export function shouldOverwrite(stored: Timings | null, next: Timings): boolean {
  return (
    next.retryInterval === 0n ||
    next.retryLastTs === 0n ||
    stored === null ||
    stored.retryInterval < next.retryInterval ||
    stored.retryLastTs < next.retryLastTs
  );
}

/**
 * The same guard in PostgreSQL, for
 *   INSERT INTO destinations (destination, failure_ts, retry_last_ts, retry_interval)
 *   VALUES ($1, $2, $3, $4)
 *   ON CONFLICT (destination) DO UPDATE SET failure_ts = EXCLUDED.failure_ts,
 *     retry_last_ts = EXCLUDED.retry_last_ts, retry_interval = EXCLUDED.retry_interval
 *   WHERE <GUARDED_TIMINGS_WHERE>
 * The IS NULL test is dead with our NOT NULL columns but kept verbatim from Synapse.
 */
export const GUARDED_TIMINGS_WHERE =
  "EXCLUDED.retry_interval = 0" +
  " OR EXCLUDED.retry_last_ts = 0" +
  " OR destinations.retry_interval IS NULL" +
  " OR destinations.retry_interval < EXCLUDED.retry_interval" +
  " OR destinations.retry_last_ts < EXCLUDED.retry_last_ts";
