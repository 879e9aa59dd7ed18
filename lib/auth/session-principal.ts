// The principal behind a console session. The session (a signed cookie) only names the user;
// the role is read from the database on every request, so a changed role or a removed user
// takes effect at once, not when the session expires.
import type pg from "pg";
import type { Principal, Role } from "./principal";

export async function principalForSession(pool: pg.Pool, userId: string): Promise<Principal | null> {
  if (!/^[0-9a-f-]{36}$/i.test(userId)) return null;
  const r = await pool.query<{ id: string; email: string; role: Role }>(
    "SELECT id, email, role FROM users WHERE id = $1",
    [userId],
  );
  const u = r.rows[0];
  return u ? { userId: u.id, email: u.email, role: u.role, via: "console" } : null;
}
