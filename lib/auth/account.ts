// A member's own account, and an admin setting a member's password. Console sessions carry the
// user's session_version (app/_auth/session.ts checks it on every request): raising it ends every
// session issued before, at once — a password change (own or by an admin) and "sign out
// everywhere" do. The current password is checked through attemptLogin, so a wrong one counts
// against the same sign-in throttle as a failed sign-in (README "Sign-in throttling").
import crypto from "node:crypto";
import type pg from "pg";
import { AppError } from "../errors";
import { recordAudit } from "../audit/record-audit";
import { type Tx, withTransaction } from "../db/transaction";
import type { ConsoleSettings } from "../settings/settings";
import { attemptLogin, INVALID_LOGIN } from "./login";
import { checkPasswordStrength, hashPassword } from "./passwords";
import { type Principal, requireRole } from "./principal";
import { normaliseEmail } from "./users";

export const WRONG_CURRENT_PASSWORD = "The current password is wrong; nothing was changed.";

function ownUserId(actor: Principal): string {
  if (!actor.userId) throw new AppError("forbidden", "Only a signed-in team member has an account to change.");
  return actor.userId;
}

/** Raises the user's session version (ending their sessions); the new version, or null if there is no such user. */
async function bumpSessionVersion(tx: Tx, userId: string, passwordHash?: string): Promise<number | null> {
  const r = await tx.query<{ session_version: number }>(
    `UPDATE users SET session_version = session_version + 1${passwordHash ? ", password_hash = $2" : ""}
     WHERE id = $1 RETURNING session_version`,
    passwordHash ? [userId, passwordHash] : [userId],
  );
  return r.rows[0]?.session_version ?? null;
}

/**
 * Changes the actor's own password after checking the current one. Every other session ends;
 * the caller renews its own with the returned session version.
 */
export async function changeOwnPassword(
  pool: pg.Pool,
  cfg: ConsoleSettings,
  actor: Principal,
  input: { current: string; next: string; address: string | null },
): Promise<{ sessionVersion: number }> {
  const userId = ownUserId(actor);
  checkPasswordStrength(input.next);
  const login = await attemptLogin(pool, cfg, { email: actor.email, password: input.current, address: input.address });
  if (!login.ok) {
    if (login.reason === "invalid") throw new AppError("forbidden", WRONG_CURRENT_PASSWORD);
    // "Wrong email or password. Too many…": here only the password was asked for.
    throw new AppError("rate_limited", login.message.replace(INVALID_LOGIN, WRONG_CURRENT_PASSWORD), {
      retry_after_ms: Math.max(1, Math.ceil(login.retryAfterMs ?? cfg.lockoutMs)),
    });
  }
  if (login.user.id !== userId) throw new AppError("forbidden", WRONG_CURRENT_PASSWORD);
  const passwordHash = await hashPassword(input.next);
  return withTransaction(pool, async (tx) => {
    const v = await bumpSessionVersion(tx, userId, passwordHash);
    if (v === null) throw new AppError("missing_token", "Your account no longer exists.");
    await recordAudit(tx, actor, { action: "user.set_password", detail: { email: actor.email, by: "self" } });
    return { sessionVersion: v };
  });
}

/** Ends every console session of the actor (this one too). */
export async function signOutEverywhere(pool: pg.Pool, actor: Principal): Promise<void> {
  const userId = ownUserId(actor);
  await withTransaction(pool, async (tx) => {
    if ((await bumpSessionVersion(tx, userId)) === null) return; // removed meanwhile: no sessions left anyway
    await recordAudit(tx, actor, { action: "user.sign_out_everywhere", detail: { email: actor.email } });
  });
}

/**
 * An admin sets a member's password (empty = generate one, shown once); the member's sessions
 * end. Not for the admin's own account: that goes through changeOwnPassword (current password).
 */
export async function setMemberPassword(
  pool: pg.Pool,
  actor: Principal,
  emailRaw: string,
  password?: string,
): Promise<{ email: string; generatedPassword?: string }> {
  requireRole(actor, "admin", "set members' passwords");
  const email = normaliseEmail(emailRaw);
  if (email === actor.email)
    throw new AppError("invalid_param", "Change your own password on the Account page (it asks for the current one).");
  const generatedPassword = password ? undefined : crypto.randomBytes(12).toString("base64url");
  const chosen = password || (generatedPassword as string);
  checkPasswordStrength(chosen);
  const passwordHash = await hashPassword(chosen);
  await withTransaction(pool, async (tx) => {
    const u = await tx.query<{ id: string }>("SELECT id FROM users WHERE email = $1 FOR UPDATE", [email]);
    if (!u.rows[0]) throw new AppError("not_found", `No user ${email}.`);
    await bumpSessionVersion(tx, u.rows[0].id, passwordHash);
    await recordAudit(tx, actor, { action: "user.set_password", detail: { email, by: "admin" } });
  });
  return { email, generatedPassword };
}
