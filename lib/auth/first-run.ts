// First-run setup: on a database with no user, the first admin can be created in the browser
// (/setup) instead of with fedctl — only from the server's own machine (lib/http/local-request.ts)
// or with the one-time setup code `npm start` prints. It works once:
// the check for "no user yet" and the insert run under the same advisory lock as every
// last-admin check (users.ts), so two setups at once make one admin and the other is refused.
// Codes are stored hashed (SHA-256) in app_secrets and all deleted when the admin is created.
import crypto from "node:crypto";
import type pg from "pg";
import { AppError } from "../errors";
import { recordAudit } from "../audit/record-audit";
import { withTransaction } from "../db/transaction";
import { checkPasswordStrength, hashPassword } from "./passwords";
import { normaliseEmail } from "./users";

const CODE_PREFIX = "setup_code:";
/** users.ts serialises team changes with this lock; setup takes the same one. */
const TEAM_LOCK = 724311978;

export const ALREADY_SET_UP = "The console is set up already: sign in, or ask an admin for an account.";
export const SETUP_NOT_ALLOWED =
  "Setting up needs the setup code that the server printed at start-up (or open this page on the server itself, at http://127.0.0.1:<port>/setup).";

const hashCode = (code: string) =>
  crypto.createHash("sha256").update(code.trim().toUpperCase().replace(/[\s-]/g, "")).digest("hex");

export async function hasUsers(pool: pg.Pool): Promise<boolean> {
  return (await pool.query("SELECT 1 FROM users LIMIT 1")).rowCount !== 0;
}

/**
 * A new one-time setup code when the database has no user (null otherwise), to print at
 * start-up: 80 random bits as four groups of Crockford-like base32. Each start issues its own;
 * any of them works until the first admin exists.
 */
export async function issueSetupCode(pool: pg.Pool): Promise<string | null> {
  if (await hasUsers(pool)) return null;
  const alphabet = "ABCDEFGHJKMNPQRSTVWXYZ0123456789";
  const bytes = crypto.randomBytes(16);
  const chars = [...bytes].map((b) => alphabet[b % 32]).join("");
  const code = chars.match(/.{4}/g)!.join("-");
  await pool.query("INSERT INTO app_secrets (name, value) VALUES ($1, $2)", [
    CODE_PREFIX + hashCode(code),
    String(Date.now()),
  ]);
  return code;
}

export type SetupInput = { email: string; password: string; code: string; local: boolean };

/** Creates the first admin; refuses once any user exists, or without loopback or a valid code. */
export async function setupFirstAdmin(pool: pg.Pool, input: SetupInput): Promise<{ id: string; email: string }> {
  const email = normaliseEmail(input.email);
  checkPasswordStrength(input.password);
  if (await hasUsers(pool)) throw new AppError("conflict", ALREADY_SET_UP);
  const code = input.code.trim();
  if (!input.local && !code) throw new AppError("forbidden", SETUP_NOT_ALLOWED);
  const passwordHash = await hashPassword(input.password);
  return withTransaction(pool, async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [TEAM_LOCK]);
    if ((await tx.query("SELECT 1 FROM users LIMIT 1")).rowCount !== 0) throw new AppError("conflict", ALREADY_SET_UP);
    let allowedBy: "loopback" | "setup_code" = "loopback";
    if (code) {
      const ok = await tx.query("SELECT 1 FROM app_secrets WHERE name = $1", [CODE_PREFIX + hashCode(code)]);
      if (ok.rowCount === 0) {
        if (!input.local) throw new AppError("forbidden", `That setup code is not valid. ${SETUP_NOT_ALLOWED}`);
      } else allowedBy = "setup_code";
    }
    const u = await tx.query<{ id: string }>(
      "INSERT INTO users (id, email, role, password_hash) VALUES (gen_random_uuid(), $1, 'admin', $2) RETURNING id",
      [email, passwordHash],
    );
    const id = u.rows[0].id;
    await tx.query("DELETE FROM app_secrets WHERE name LIKE $1", [`${CODE_PREFIX}%`]);
    await recordAudit(
      tx,
      { userId: id, email, role: "admin", via: "console" },
      {
        action: "user.first_admin",
        detail: { email, allowedBy },
      },
    );
    return { id, email };
  });
}
