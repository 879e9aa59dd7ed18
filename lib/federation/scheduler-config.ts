// Scheduler settings (README lists them with their defaults).
import { parseDuration } from "./duration";
import { loadBackoffConfig, type BackoffConfig } from "./backoff";

export type SchedulerConfig = {
  /** Attempts in flight at once per scheduler process. */
  concurrency: number;
  /** Healthy destinations are re-checked this often; 0 = never. */
  healthIntervalMs: number;
  /** Attempts kept per destination. */
  attemptHistory: number;
  /** How often the scheduler looks for due destinations when nothing wakes it. */
  pollIntervalMs: number;
  /** How long a claim holds; undefined = twice the attempt timeout + 30 s. Must outlast an attempt. */
  claimLeaseMs?: number;
  backoff: BackoffConfig;
};

function positiveInt(env: Record<string, string | undefined>, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return Number(raw);
}

export function loadSchedulerConfig(env: Record<string, string | undefined> = process.env): SchedulerConfig {
  return {
    concurrency: positiveInt(env, "FEDERATION_CONCURRENCY", 32, 1),
    healthIntervalMs: env.FEDERATION_HEALTH_INTERVAL?.trim()
      ? parseDuration(env.FEDERATION_HEALTH_INTERVAL, "FEDERATION_HEALTH_INTERVAL")
      : 3_600_000,
    attemptHistory: positiveInt(env, "FEDERATION_ATTEMPT_HISTORY", 50, 1),
    pollIntervalMs: env.FEDERATION_POLL_INTERVAL?.trim()
      ? Math.max(50, parseDuration(env.FEDERATION_POLL_INTERVAL, "FEDERATION_POLL_INTERVAL"))
      : 1_000,
    claimLeaseMs: env.FEDERATION_CLAIM_LEASE?.trim()
      ? parseDuration(env.FEDERATION_CLAIM_LEASE, "FEDERATION_CLAIM_LEASE")
      : undefined,
    backoff: loadBackoffConfig(env),
  };
}
