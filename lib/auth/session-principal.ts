// The principal behind a console session. The session (a signed cookie) names the user and the
// session version it was issued with; the role and the version are read from the database on
// every request, so a changed role takes effect at once, and a removed user, a changed password
// or "sign out everywhere" (a raised users.session_version, lib/auth/account.ts) ends the
// session at once, not when it expires.
import type pg from "pg";
import type { Principal, Role } from "./principal";

export async function principalForSession(
  pool: pg.Pool,
  userId: string,
  sessionVersion: number,
): Promise<Principal | null> {
  if (!/^[0-9a-f-]{36}$/i.test(userId) || !Number.isSafeInteger(sessionVersion)) return null;
  const r = await pool.query<{ id: string; email: string; role: Role }>(
    "SELECT id, email, role FROM users WHERE id = $1 AND session_version = $2",
    [userId, sessionVersion],
  );
  const u = r.rows[0];
  return u ? { userId: u.id, email: u.email, role: u.role, via: "console" } : null;
}
