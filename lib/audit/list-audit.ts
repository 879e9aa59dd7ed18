// The audit log, newest first: who did what to which destination, when, and through what
// (console, api, cli). Filters are exact (emails are stored normalised) and use the
// (actor, ts) / (destination, ts) / (action, ts) indexes; pages are keyset pages on id.
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";

export type AuditRow = {
  id: bigint;
  ts: Date;
  actor: string;
  via: string;
  action: string;
  destination: string | null;
  detail: unknown;
};

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
  if (q.actor?.trim()) add("actor = ?", q.actor.trim().toLowerCase());
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
  }>(
    `SELECT id::text AS id, ts, actor, via, action, destination, detail FROM audit_events
     ${conds.length ? "WHERE " + conds.join(" AND ") : ""} ORDER BY id DESC LIMIT $${args.length}`,
    args,
  );
  const rows = r.rows.slice(0, limit).map((a) => ({ ...a, id: BigInt(a.id) }));
  return { items: rows, nextBefore: r.rows.length > limit ? rows[rows.length - 1].id : null };
}
