// Console settings (README "Settings"): session lifetime and sign-in throttling.
import { parseDuration } from "../federation/duration";

export type ConsoleConfig = {
  /** How long a console session lasts after sign-in, in seconds. */
  sessionMaxAgeSec: number;
  /** Failed sign-ins per account within the window before the account is paused. */
  maxFailuresPerAccount: number;
  /** Failed sign-ins per client address within the window before the address is paused. */
  maxFailuresPerAddress: number;
  /** The counting window, and how long a pause lasts, in ms. */
  lockoutMs: number;
};

type Env = Record<string, string | undefined>;

function count(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`${name} must be an integer >= 1, got "${raw}"`);
  return Number(raw);
}

function duration(env: Env, name: string, fallback: string, minMs: number): number {
  const ms = parseDuration(env[name]?.trim() || fallback, name);
  if (ms < minMs) throw new Error(`${name} must be at least ${minMs / 1000} s, got "${env[name]}"`);
  return ms;
}

export function loadConsoleConfig(env: Env = process.env): ConsoleConfig {
  return {
    sessionMaxAgeSec: Math.floor(duration(env, "FEDCONSOLE_SESSION_MAX_AGE", "12h", 60_000) / 1000),
    maxFailuresPerAccount: count(env, "FEDCONSOLE_LOGIN_MAX_FAILURES", 5),
    maxFailuresPerAddress: count(env, "FEDCONSOLE_LOGIN_MAX_FAILURES_PER_ADDRESS", 50),
    lockoutMs: duration(env, "FEDCONSOLE_LOGIN_LOCKOUT", "15m", 1_000),
  };
}
