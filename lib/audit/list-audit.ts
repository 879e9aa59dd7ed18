// The audit log, newest first: who did what to which destination, when, and through what
// (console, api, cli). Filters are exact (emails are stored normalised) and use the
// (actor, ts) / (destination, ts) / (action, ts) indexes; pages are keyset pages on id.
// Team and token events are the team's own business: non-admins see those they did themselves
// in full, and of the others only that they happened — not who, not whose e-mail, role or token
// (as the users API shows non-admins only themselves). Destination events stay visible to
// every viewer, with who did them: that is what the log is for.
import type pg from "pg";
import { hasRole, type Principal, requireRole } from "../auth/principal";

export type AuditRow = {
  id: bigint;
  ts: Date;
  /** Who acted; null when hidden from this viewer. */
  actor: string | null;
  via: string;
  action: string;
  destination: string | null;
  /** The detail; null when hidden from this viewer. */
  detail: unknown;
  /** True when actor and detail are hidden from this viewer (a team or token event of someone else). */
  redacted: boolean;
};

/** Team (user.*) and token (token.*) events: their details name members, roles and tokens. */
const TEAM_EVENT_SQL = "(action LIKE 'user.%' OR action LIKE 'token.%')";
const isTeamEvent = (action: string) => action.startsWith("user.") || action.startsWith("token.");

export type AuditQuery = {
  /** Exact actor (email, or "fedctl"); matched case-insensitively. */
  actor?: string;
  destination?: string;
  action?: string;
  /** Only events older than this id (the previous page's last id). */
  before?: bigint;
  limit?: number;
};

export type AuditPage = { items: AuditRow[]; nextBefore: bigint | null };

export async function listAudit(pool: pg.Pool, viewer: Principal, q: AuditQuery): Promise<AuditPage> {
  requireRole(viewer, "viewer", "read the audit log");
  const limit = Math.min(Math.max(1, q.limit ?? 50), 500);
  const conds: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    args.push(v);
    conds.push(sql.replace("?", `$${args.length}`));
  };
  const admin = hasRole(viewer, "admin");
  if (q.actor?.trim()) {
    add("actor = ?", q.actor.trim().toLowerCase());
    // Filtering by someone must not tell a non-admin which team events they did.
    if (!admin) add(`(NOT ${TEAM_EVENT_SQL} OR actor_user_id = ?::uuid)`, viewer.userId);
  }
  if (q.destination) add("destination = ?", q.destination.replace(/\0/g, ""));
  if (q.action?.trim()) add("action = ?", q.action.trim());
  if (q.before !== undefined) add("id < ?", q.before.toString());
  args.push(limit + 1);
  const r = await pool.query<{
    id: string;
    ts: Date;
    actor: string;
    via: string;
    action: string;
    destination: string | null;
    detail: unknown;
    actor_user_id: string | null;
  }>(
    `SELECT id::text AS id, ts, actor, via, action, destination, detail, actor_user_id FROM audit_events
     ${conds.length ? "WHERE " + conds.join(" AND ") : ""} ORDER BY audit_events.id DESC LIMIT $${args.length}`,
    args,
  );
  const rows = r.rows.slice(0, limit).map(({ actor_user_id, ...a }): AuditRow => {
    const redacted = !admin && isTeamEvent(a.action) && (viewer.userId === null || actor_user_id !== viewer.userId);
    return redacted
      ? { ...a, id: BigInt(a.id), actor: null, detail: null, redacted }
      : { ...a, id: BigInt(a.id), redacted };
  });
  return { items: rows, nextBefore: r.rows.length > limit ? rows[rows.length - 1].id : null };
}
