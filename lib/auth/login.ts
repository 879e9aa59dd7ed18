// Console sign-in (and Matrix password login, which calls it): email + password, verified
// against the stored hash, throttled per account from this address, per address and per account
// (throttle-keys.ts, login-throttle.ts; README "Sign-in throttling"). The attempt is counted
// before the password is verified, so concurrent guesses cannot outrun the count, and the
// verification waits for one of a few slots per process (verify-slots.ts).
import { countSignInFailure, countThrottledLogin, type SignInVia } from "../metrics/observe";
import crypto from "node:crypto";
import type pg from "pg";
import { hashPassword, verifyPassword } from "./passwords";
import type { Role } from "./principal";
import type { ConsoleSettings } from "../settings/settings";
import { formatDuration } from "../destinations/humanize";
import { recordFailure, recordSuccess, releaseAttempt, reserveAttempt, type Refusal } from "./login-throttle";
import { throttleKeys } from "./throttle-keys";
import { withVerifySlot } from "./verify-slots";

export type LoginInput = {
  email: string;
  password: string;
  address: string | null;
  nowMs?: number;
  /** Where the sign-in came from, for the sign-in metrics (default the console's form). */
  via?: SignInVia;
};
/** sessionVersion: the users.session_version a console session issued now carries. */
export type LoginUser = { id: string; email: string; role: Role; sessionVersion: number };
export type LoginResult =
  | { ok: true; user: LoginUser }
  | { ok: false; reason: "invalid" | "locked" | "busy"; message: string; retryAfterMs?: number };

/** What attemptLogin needs besides the database; tests replace the verification to count it. */
export type LoginDeps = { verify?: (stored: string, password: string) => Promise<boolean> };

export const INVALID_LOGIN = "Wrong email or password.";
export const BUSY_LOGIN = "Too many sign-ins at once right now. Try again in a moment.";

let dummyHash: Promise<string> | undefined;
/**
 * A hash of a random secret nobody knows: unknown emails, and accounts without a password,
 * cost a hash verification too, so timing does not tell which emails exist.
 */
const dummy = () => (dummyHash ??= hashPassword(crypto.randomBytes(32).toString("base64url")));

function pausedMessage(r: Refusal): string {
  const wait = formatDuration(Math.max(1000, Math.ceil(r.retryAfterMs / 1000) * 1000));
  return r.kind === "address"
    ? `Too many failed sign-ins from your address. Try again in ${wait}.`
    : `Too many failed sign-ins for this account. Try again in ${wait}.`;
}

export async function attemptLogin(
  pool: pg.Pool,
  cfg: ConsoleSettings,
  input: LoginInput,
  deps: LoginDeps = {},
): Promise<LoginResult> {
  const now = input.nowMs ?? Date.now();
  const email = input.email.trim().toLowerCase();
  const keys = throttleKeys(cfg, email, input.address);

  const pendingDummy = dummy(); // made once per process; started alongside the lookups
  const refused = await reserveAttempt(pool, cfg, keys, now);
  if (refused) {
    countThrottledLogin(input.via ?? "console");
    return { ok: false, reason: "locked", message: pausedMessage(refused), retryAfterMs: refused.retryAfterMs };
  }

  const u = await pool.query<{
    id: string;
    email: string;
    role: Role;
    password_hash: string | null;
    session_version: number;
  }>("SELECT id, email, role, password_hash, session_version FROM users WHERE email = $1", [email]);
  const user = u.rows[0];
  const stored = user?.password_hash ?? (await pendingDummy);
  const verify = deps.verify ?? verifyPassword;
  const verified = await withVerifySlot(() => verify(stored, input.password));
  if (!verified.ok) {
    await releaseAttempt(pool, keys); // never verified: not a failure
    return { ok: false, reason: "busy", message: BUSY_LOGIN, retryAfterMs: verified.retryAfterMs };
  }
  if (verified.value && user?.password_hash) {
    await recordSuccess(pool, keys);
    return {
      ok: true,
      user: { id: user.id, email: user.email, role: user.role, sessionVersion: user.session_version },
    };
  }
  countSignInFailure(input.via ?? "console");
  const paused = await recordFailure(pool, cfg, keys, now);
  if (paused) {
    return {
      ok: false,
      reason: "locked",
      message: `${INVALID_LOGIN} ${pausedMessage(paused)}`,
      retryAfterMs: paused.retryAfterMs,
    };
  }
  return { ok: false, reason: "invalid", message: INVALID_LOGIN };
}
