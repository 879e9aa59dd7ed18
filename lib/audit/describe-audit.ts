// How the audit page shows an action: a label and a one-line summary of its detail. Typed over
// AuditAction, so a new action without a label or a summary does not compile. Rows are read
// back from the database, so a detail may lack fields (older rows) and an action may be one
// this version does not know: both still render (the raw action name, the detail as JSON).
import type { AuditAction, AuditDetails } from "./audit-actions";

export const AUDIT_LABELS: Record<AuditAction, string> = {
  "destination.reset": "Reset connection",
  "destination.bulk_reset": "Bulk reset",
  "upstream.sync": "Asked for a sync",
  "user.add": "Added user",
  "user.set_role": "Changed role",
  "user.remove": "Removed user",
  "token.create": "Created token",
  "token.revoke": "Revoked token",
  "destinations.import": "Imported destinations",
  "destination.flush_discovery": "Flushed cached discovery",
  "destination.attempt": "Attempted now",
  "webhook.create": "Added webhook",
  "webhook.change": "Changed webhook",
  "webhook.delete": "Deleted webhook",
  "webhook.test": "Sent test webhook",
  "destination.add": "Added destinations",
  "destination.forget": "Forgot destination",
  "destination.bulk_forget": "Forgot dead destinations",
  "user.set_password": "Set password",
  "user.sign_out_everywhere": "Signed out everywhere",
  "user.first_admin": "Created the first admin",
  "destinations.export": "Exported destinations",
};

const isKnown = (action: string): action is AuditAction => Object.hasOwn(AUDIT_LABELS, action);

/** The label for an action; an unknown one (an older or newer version's) as it is stored. */
export function auditLabel(action: string): string {
  return isKnown(action) ? AUDIT_LABELS[action] : action;
}

const plural = (n: unknown, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

const DESCRIBE: { [A in AuditAction]: (d: Partial<AuditDetails[A]>) => string } = {
  "destination.reset": (d) => {
    const was =
      d.retry_last_ts && d.retry_last_ts !== "0"
        ? `was backing off (retry_last_ts ${d.retry_last_ts}, retry_interval ${d.retry_interval})`
        : "";
    return d.relayed ? `relayed to the homeserver, which accepted it${was ? `; ${was}` : ""}` : was;
  },
  "upstream.sync": (d) => `full pass from ${d.source}`,
  "destination.bulk_reset": (d) => {
    const f = [d.search ? `search “${d.search}”` : null, d.status ? `status ${d.status}` : null]
      .filter(Boolean)
      .join(", ");
    const r = d.relayed;
    const via = r ? `, relayed to the homeserver (${r.requested} asked, ${r.failed} refused)` : "";
    return `${plural(d.count, "destination")}${f ? ` matching ${f}` : ""}${via}`;
  },
  "user.add": (d) => `${d.email} as ${d.role}`,
  "user.set_role": (d) => `${d.email}: ${d.from} → ${d.to}`,
  "user.remove": (d) => String(d.email ?? ""),
  "token.create": (d) => `“${d.name}” (${d.prefix}…) of ${d.owner}`,
  "token.revoke": (d) => `“${d.name}” (${d.prefix}…) of ${d.owner}`,
  "destinations.import": (d) =>
    `${plural(d.imported, "destination")} and ${plural(d.rooms, "room")} from ${d.file === "-" ? "standard input" : d.file}` +
    (d.errors ? ` (${plural(d.errors, "bad line")})` : ""),
  "destination.flush_discovery": () => "cached well-known answers dropped by every scheduler",
  "destination.attempt": (d) => {
    const found =
      d.outcome === "success"
        ? "succeeded"
        : `${d.outcome === "failure" ? "failed" : "answered"}${d.reason ? ` (${d.reason})` : ""}${d.http_status ? `, HTTP ${d.http_status}` : ""}`;
    const timings = d.mirror
      ? "findings only (mirror mode)"
      : d.outcome === "success" && d.was_backing_off
        ? "backoff cleared"
        : d.outcome === "success"
          ? ""
          : "retry timings unchanged";
    return [`${found}${d.duration_ms !== undefined ? ` in ${d.duration_ms} ms` : ""}`, timings]
      .filter(Boolean)
      .join("; ");
  },
  "webhook.create": (d) => `${d.origin} for ${(d.events ?? []).join(", ")}${d.enabled === false ? " (disabled)" : ""}`,
  "webhook.change": (d) => `${d.origin}: ${(d.changed ?? []).join(", ")}`,
  "webhook.delete": (d) => String(d.origin ?? ""),
  "webhook.test": (d) => `${d.origin}: ${d.ok ? "delivered" : "failed"}${d.status_code ? ` (${d.status_code})` : ""}`,
  "destination.add": (d) =>
    `${plural(d.added?.length ?? 0, "new destination")}${d.added?.length ? `: ${d.added.slice(0, 5).join(", ")}${d.added.length > 5 ? ", …" : ""}` : ""}` +
    (d.existing ? `; ${d.existing} already known` : "") +
    (d.invalid ? `; ${d.invalid} invalid` : ""),
  "destination.forget": (d) => {
    const s = d.snapshot;
    const what = s
      ? `with ${plural(s.rooms_count, "room")} and ${plural(s.attempts, "attempt")}` +
        (s.failure_ts ? `, failing since ${new Date(Number(s.failure_ts)).toISOString()}` : "")
      : "";
    return [what, d.forced ? "forced (not dead yet)" : "", d.bulk ? "in a bulk forget" : ""].filter(Boolean).join("; ");
  },
  "destination.bulk_forget": (d) => {
    const f = [d.search ? `search “${d.search}”` : null, d.status ? `status ${d.status}` : null]
      .filter(Boolean)
      .join(", ");
    return `${plural(d.count, "dead destination")}${f ? ` matching ${f}` : ""}`;
  },
  "user.set_password": (d) => `${d.email}, by ${d.by === "self" ? "themselves" : "an admin"}; their sessions ended`,
  "user.sign_out_everywhere": (d) => String(d.email ?? ""),
  "user.first_admin": (d) =>
    `${d.email}, on the first-run page (${d.allowedBy === "loopback" ? "from this machine" : "with the start-up code"})`,
  "destinations.export": (d) => {
    const f = [d.search ? `search “${d.search}”` : null, d.status ? `status ${d.status}` : null]
      .filter(Boolean)
      .join(", ");
    return `${plural(d.rows, "destination")} as ${d.format === "csv" ? "CSV" : "JSON Lines"}${f ? ` matching ${f}` : ""}`;
  },
};

/** What a non-admin reads for someone else's team or token event (list-audit.ts hides its detail). */
export const REDACTED_SUMMARY = "Details are visible to admins.";

/** A one-line summary of an audit row's detail. */
export function describeAudit(a: { action: string; detail: unknown; redacted?: boolean }): string {
  if (a.redacted) return REDACTED_SUMMARY;
  if (!isKnown(a.action)) return a.detail ? JSON.stringify(a.detail) : "";
  const describe = DESCRIBE[a.action] as (d: object) => string;
  return describe((a.detail ?? {}) as object);
}
