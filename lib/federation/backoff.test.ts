// Mirrors Synapse's tests/util/test_retryutils.py with a fake clock and an in-memory store
// that applies the same guarded write as the database. One suite, kept whole (over ~300 lines)
// so that it reads case for case beside Synapse's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSettings } from "../settings/settings";
import {
  type BackoffConfig,
  type Outcome,
  type Timings,
  CLEARED_TIMINGS,
  DEFAULT_BACKOFF,
  GUARDED_TIMINGS_WHERE,
  classifyHttpStatus,
  isDue,
  nextTimings,
  shouldOverwrite,
} from "./backoff";

/** The backoff part of the settings (lib/settings/settings.ts). */
const loadBackoffConfig = (env: Record<string, string>) => loadSettings(env).scheduler.backoff;

const MIN = DEFAULT_BACKOFF.minIntervalMs;
const MAX = DEFAULT_BACKOFF.maxIntervalMs;
const half = (): number => 0.5;

class FakeClock {
  constructor(public now: bigint = 1_700_000_000_000n) {}
  advance(ms: bigint): void {
    this.now += ms;
  }
}

class FakeStore {
  rows = new Map<string, Timings>();
  writes = 0;
  // Like Synapse's get_destination_retry_timings: no timings when retry_last_ts is 0.
  read(dest: string): Timings | null {
    const row = this.rows.get(dest);
    return row !== undefined && row.retryLastTs > 0n ? row : null;
  }
  write(dest: string, next: Timings): void {
    this.writes++;
    if (shouldOverwrite(this.rows.get(dest) ?? null, next)) this.rows.set(dest, next);
  }
}

type Limiter = { clock: FakeClock; store: FakeStore; config: BackoffConfig };

// One logical request through the limiter: gate, 1 ms of work, then record the outcome.
// Returns false when the gate refused (Synapse's NotRetryingDestination).
function attempt(l: Limiter, dest: string, outcome: Outcome, random: () => number = half): boolean {
  const read = l.store.read(dest);
  if (!isDue(read, l.clock.now)) return false;
  l.clock.advance(1n);
  const next = nextTimings(read, outcome, l.clock.now, l.config, random);
  if (next !== null) l.store.write(dest, next);
  return true;
}

function limiter(config: BackoffConfig = DEFAULT_BACKOFF): Limiter {
  return { clock: new FakeClock(), store: new FakeStore(), config };
}

test("defaults are Synapse's: 10 min, x2, 7 days", () => {
  assert.deepEqual({ ...DEFAULT_BACKOFF }, { minIntervalMs: 600_000n, multiplier: 2, maxIntervalMs: 604_800_000n });
});

test("new destination: success writes nothing", () => {
  const l = limiter();
  assert.equal(attempt(l, "test_dest", "success"), true);
  assert.equal(l.store.writes, 0);
  assert.equal(l.store.rows.has("test_dest"), false);
  assert.equal(nextTimings(null, "success", 1n, DEFAULT_BACKOFF), null);
});

test("limiter: first failure, gate, second failure, then success clears", () => {
  const l = limiter();
  assert.equal(attempt(l, "test_dest", "failure"), true);
  const failureTs = l.clock.now;
  assert.deepEqual(l.store.read("test_dest"), { failureTs, retryLastTs: failureTs, retryInterval: MIN });

  // Refused until now >= retry_last_ts + interval; allowed exactly at the boundary.
  const t = l.store.read("test_dest");
  assert.equal(isDue(t, failureTs), false);
  assert.equal(isDue(t, failureTs + MIN - 1n), false);
  assert.equal(isDue(t, failureTs + MIN), true);
  assert.equal(attempt(l, "test_dest", "failure"), false);

  l.clock.advance(MIN);
  assert.equal(attempt(l, "test_dest", "failure"), true);
  const second = l.store.read("test_dest");
  assert.ok(second);
  assert.equal(second.failureTs, failureTs, "failure_ts is kept across failures");
  assert.equal(second.retryLastTs, l.clock.now);
  assert.ok(second.retryInterval >= (MIN * 16n) / 10n && second.retryInterval <= (MIN * 28n) / 10n);

  l.clock.advance((MIN * 28n) / 10n);
  assert.equal(attempt(l, "test_dest", "success"), true);
  assert.equal(l.store.read("test_dest"), null);
  assert.deepEqual(l.store.rows.get("test_dest"), { retryLastTs: 0n, retryInterval: 0n, failureTs: null });
});

test("growth jitter spans exactly [1.6, 2.8] x min", () => {
  const first: Timings = { failureTs: 10n, retryLastTs: 10n, retryInterval: MIN };
  const grow = (r: number): bigint =>
    nextTimings(first, "failure", 20n, DEFAULT_BACKOFF, () => r)?.retryInterval ?? -1n;
  assert.equal(grow(0), 960_000n); // 1.6 x min
  assert.equal(grow(0.5), 1_320_000n); // 2.2 x min
  assert.equal(grow(1 - Number.EPSILON), 1_680_000n); // 2.8 x min (Math.random() < 1)
  assert.equal(grow(1), 1_680_000n);
  const next = nextTimings(first, "failure", 20n, DEFAULT_BACKOFF, () => 0);
  assert.deepEqual(next, { failureTs: 10n, retryLastTs: 20n, retryInterval: 960_000n });
});

test("first failure is exactly min, without jitter", () => {
  for (const r of [0, 0.5, 0.999]) {
    assert.deepEqual(
      nextTimings(null, "failure", 5n, DEFAULT_BACKOFF, () => r),
      {
        failureTs: 5n,
        retryLastTs: 5n,
        retryInterval: MIN,
      },
    );
  }
});

test("retry_last_ts 0 reads as healthy whatever the other columns hold", () => {
  const stale: Timings = { retryLastTs: 0n, retryInterval: 12_345n, failureTs: 7n };
  assert.equal(isDue(stale, 0n), true);
  assert.equal(nextTimings(stale, "success", 9n, DEFAULT_BACKOFF), null);
  assert.deepEqual(nextTimings(stale, "failure", 9n, DEFAULT_BACKOFF), {
    failureTs: 9n,
    retryLastTs: 9n,
    retryInterval: MIN,
  });
});

test("max retry interval: stays at the cap and keeps refusing", () => {
  const l = limiter();
  const failureTs = l.clock.now;
  l.store.write("test_dest", { failureTs, retryLastTs: failureTs, retryInterval: MAX });
  assert.equal(attempt(l, "test_dest", "failure"), false);

  l.clock.advance(MAX + 1n);
  assert.equal(
    attempt(l, "test_dest", "failure", () => 0),
    true,
  );
  assert.equal(l.store.read("test_dest")?.retryInterval, MAX);
  assert.equal(attempt(l, "test_dest", "failure"), false);
});

test("repeated failures grow monotonically and saturate at the cap", () => {
  const l = limiter();
  let previous = 0n;
  for (let i = 0; i < 30; i++) {
    const t = l.store.read("d");
    if (t !== null) l.clock.now = t.retryLastTs + t.retryInterval;
    assert.equal(
      attempt(l, "d", "failure", () => 0),
      true,
    );
    const interval = l.store.read("d")?.retryInterval ?? -1n;
    assert.ok(interval >= previous && interval <= MAX, `failure ${i + 1}: ${interval}`);
    previous = interval;
  }
  assert.equal(previous, MAX);
});

test("cap uses >=: a product equal to max is max, just below is kept", () => {
  const config: BackoffConfig = { minIntervalMs: 10n, multiplier: 2, maxIntervalMs: 1_000n };
  const at = (interval: bigint, r: number): bigint | undefined =>
    nextTimings({ failureTs: 1n, retryLastTs: 1n, retryInterval: interval }, "failure", 2n, config, () => r)
      ?.retryInterval;
  assert.equal(at(625n, 0), 1_000n); // 625 x 2 x 0.8 = 1000
  assert.equal(at(624n, 0), 998n);
  assert.equal(at(10_000n, 0.5), 1_000n);
});

test("values above 2^53 stay exact where no float is involved", () => {
  const big = 2n ** 53n + 1n;
  const config: BackoffConfig = { minIntervalMs: big, multiplier: 2, maxIntervalMs: 2n ** 62n + 1n };
  const now = 2n ** 60n + 3n;
  const first = nextTimings(null, "failure", now, config);
  assert.deepEqual(first, { failureTs: now, retryLastTs: now, retryInterval: big });
  assert.equal(isDue(first, now + big - 1n), false);
  assert.equal(isDue(first, now + big), true);
  // Growing past the cap returns the cap exactly, not a rounded float.
  const capped = nextTimings(
    { failureTs: now, retryLastTs: now, retryInterval: 2n ** 61n + 7n },
    "failure",
    now + 1n,
    config,
    () => 1,
  );
  assert.deepEqual(capped, { failureTs: now, retryLastTs: now + 1n, retryInterval: 2n ** 62n + 1n });
  // An infinite product (absurd multiplier) is capped too.
  const huge = { ...config, multiplier: Number.MAX_VALUE };
  assert.equal(nextTimings(capped, "failure", now + 2n, huge)?.retryInterval, 2n ** 62n + 1n);
});

test("neutral changes nothing, healthy or backing off", () => {
  const l = limiter();
  assert.equal(attempt(l, "d", "neutral"), true);
  assert.equal(l.store.writes, 0);
  assert.equal(attempt(l, "d", "failure"), true);
  const before = l.store.read("d");
  l.clock.advance(MIN);
  assert.equal(attempt(l, "d", "neutral"), true);
  assert.equal(l.store.writes, 1);
  assert.deepEqual(l.store.read("d"), before);
  assert.equal(nextTimings(before, "neutral", 10n ** 15n, DEFAULT_BACKOFF), null);
});

test("success while backing off returns cleared timings", () => {
  const t: Timings = { failureTs: 1n, retryLastTs: 2n, retryInterval: MIN };
  const next = nextTimings(t, "success", 3n, DEFAULT_BACKOFF);
  assert.deepEqual(next, { retryLastTs: 0n, retryInterval: 0n, failureTs: null });
  assert.notEqual(next, CLEARED_TIMINGS, "a fresh object, not the frozen constant");
});

test("classifyHttpStatus", () => {
  const table: { status: number; outcome: Outcome }[] = [
    { status: 200, outcome: "success" },
    { status: 204, outcome: "success" },
    { status: 299, outcome: "success" },
    { status: 101, outcome: "neutral" },
    { status: 301, outcome: "neutral" },
    { status: 400, outcome: "neutral" },
    { status: 401, outcome: "failure" },
    { status: 403, outcome: "neutral" },
    { status: 404, outcome: "neutral" },
    { status: 429, outcome: "failure" },
    { status: 499, outcome: "neutral" },
    { status: 500, outcome: "failure" },
    { status: 502, outcome: "failure" },
    { status: 599, outcome: "failure" },
  ];
  for (const { status, outcome } of table) assert.equal(classifyHttpStatus(status), outcome, String(status));
});

test("shouldOverwrite follows Synapse's guarded upsert", () => {
  const stored: Timings = { failureTs: 100n, retryLastTs: 200n, retryInterval: 1_000n };
  const t = (retryLastTs: bigint, retryInterval: bigint): Timings => ({ failureTs: 100n, retryLastTs, retryInterval });
  assert.equal(shouldOverwrite(null, t(200n, 1_000n)), true, "no row yet");
  assert.equal(shouldOverwrite(stored, { ...CLEARED_TIMINGS }), true, "reset always wins");
  assert.equal(shouldOverwrite(stored, t(0n, 500n)), true, "retry_last_ts 0 wins");
  assert.equal(shouldOverwrite(stored, t(100n, 0n)), true, "interval 0 wins");
  assert.equal(shouldOverwrite(stored, t(150n, 2_000n)), true, "larger interval wins");
  assert.equal(shouldOverwrite(stored, t(300n, 500n)), true, "later attempt wins");
  assert.equal(shouldOverwrite(stored, t(200n, 1_000n)), false, "identical write is a no-op");
  assert.equal(shouldOverwrite(stored, t(150n, 500n)), false, "stale write loses");
  assert.equal(shouldOverwrite(stored, t(200n, 999n)), false);
});

test("GUARDED_TIMINGS_WHERE encodes the same five conditions against EXCLUDED", () => {
  const clauses = GUARDED_TIMINGS_WHERE.split(" OR ").map((c) => c.trim());
  assert.deepEqual(clauses, [
    "EXCLUDED.retry_interval = 0",
    "EXCLUDED.retry_last_ts = 0",
    "destinations.retry_interval IS NULL",
    "destinations.retry_interval < EXCLUDED.retry_interval",
    "destinations.retry_last_ts < EXCLUDED.retry_last_ts",
  ]);
});

test("loadBackoffConfig: defaults, blanks and custom values", () => {
  assert.deepEqual(loadBackoffConfig({}), { ...DEFAULT_BACKOFF });
  assert.deepEqual(
    loadBackoffConfig({
      FEDERATION_MIN_RETRY_INTERVAL: " ",
      FEDERATION_RETRY_MULTIPLIER: "",
      FEDERATION_MAX_RETRY_INTERVAL: "",
    }),
    { ...DEFAULT_BACKOFF },
  );
  assert.deepEqual(
    loadBackoffConfig({
      FEDERATION_MIN_RETRY_INTERVAL: "500",
      FEDERATION_RETRY_MULTIPLIER: "1.5",
      FEDERATION_MAX_RETRY_INTERVAL: "1w",
    }),
    { minIntervalMs: 500n, multiplier: 1.5, maxIntervalMs: 604_800_000n },
  );
  assert.deepEqual(
    loadBackoffConfig({
      FEDERATION_MIN_RETRY_INTERVAL: "1h",
      FEDERATION_RETRY_MULTIPLIER: "1",
      FEDERATION_MAX_RETRY_INTERVAL: "1h",
    }),
    { minIntervalMs: 3_600_000n, multiplier: 1, maxIntervalMs: 3_600_000n },
  );
});

test("loadBackoffConfig: clear errors naming the setting", () => {
  const bad: { env: Record<string, string>; message: RegExp }[] = [
    {
      env: { FEDERATION_MIN_RETRY_INTERVAL: "10 minutes" },
      message: /FEDERATION_MIN_RETRY_INTERVAL must be a duration/,
    },
    { env: { FEDERATION_MAX_RETRY_INTERVAL: "7days" }, message: /FEDERATION_MAX_RETRY_INTERVAL must be a duration/ },
    { env: { FEDERATION_MIN_RETRY_INTERVAL: "0" }, message: /FEDERATION_MIN_RETRY_INTERVAL must be greater than 0/ },
    {
      env: { FEDERATION_MAX_RETRY_INTERVAL: "5m" },
      message: /FEDERATION_MAX_RETRY_INTERVAL .* must be >= FEDERATION_MIN_RETRY_INTERVAL/,
    },
    { env: { FEDERATION_RETRY_MULTIPLIER: "0.5" }, message: /FEDERATION_RETRY_MULTIPLIER must be a number >= 1/ },
    { env: { FEDERATION_RETRY_MULTIPLIER: "two" }, message: /FEDERATION_RETRY_MULTIPLIER/ },
    { env: { FEDERATION_RETRY_MULTIPLIER: "-2" }, message: /FEDERATION_RETRY_MULTIPLIER/ },
    { env: { FEDERATION_RETRY_MULTIPLIER: "Infinity" }, message: /FEDERATION_RETRY_MULTIPLIER/ },
    { env: { FEDERATION_RETRY_MULTIPLIER: "0x2" }, message: /FEDERATION_RETRY_MULTIPLIER/ },
  ];
  for (const { env, message } of bad) assert.throws(() => loadBackoffConfig(env), message, JSON.stringify(env));
});
