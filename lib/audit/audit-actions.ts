// Every action the code writes to audit_events, with the detail it carries. The writer
// (record-audit.ts) accepts only these, and the audit page's labels (describe-audit.ts) are a
// Record over them: a new action without a label does not compile.
import type { Role } from "../auth/principal";

export type AuditDetails = {
  /** The timings before the reset (int8 columns as strings, as pg returns them). */
  "destination.reset": {
    retry_last_ts: string;
    retry_interval: string;
    failure_ts: string | null;
    /** Mirror mode: the reset went to the homeserver first (and it accepted it). */
    relayed?: true;
  };
  /** How many destinations were reset, and the console list's filter that chose them. */
  "destination.bulk_reset": {
    count: number;
    search: string | null;
    status: string | null;
    /** Mirror mode: each reset went to the homeserver; how many it refused, and why (the first few). */
    relayed?: { requested: number; failed: number; errors: string[] };
  };
  "user.add": { email: string; role: Role };
  "user.set_role": { email: string; from: Role; to: Role };
  "user.remove": { email: string };
  "token.create": { owner: string; name: string; prefix: string };
  "token.revoke": { owner: string; name: string; prefix: string };
  /** Mirror mode: someone asked for a full sync pass now (console, API or fedctl). */
  "upstream.sync": { source: string };
  /** `fedctl destinations import`: the file ("-" for standard input) and the report's counts. */
  "destinations.import": { file: string; lines: number; imported: number; rooms: number; errors: number };
  /**
   * "Attempt now": one manual attempt (trigger "manual"), audited with what it found and whether
   * the destination was backing off before it (a standalone success then cleared the backoff;
   * a failure never changes the timings). Mirror mode: findings only.
   */
  "destination.attempt": {
    outcome: string;
    reason: string | null;
    http_status: number | null;
    duration_ms: number;
    was_backing_off: boolean;
    mirror?: true;
  };
  /** "Flush cached discovery": every scheduler drops its cached well-known answer for the destination. */
  "destination.flush_discovery": Record<string, never>;
  /** Alert webhooks: the URL's origin only (the rest of a URL may hold a token), never the secret. */
  "webhook.create": { id: string; origin: string; events: string[]; enabled: boolean };
  "webhook.change": { id: string; origin: string; changed: string[] };
  "webhook.delete": { id: string; origin: string };
  "webhook.test": { id: string; origin: string; status_code: number | null; ok: boolean };
  /** Destinations added by hand (console or API): the new names, and how many were already known or invalid. */
  "destination.add": { added: string[]; existing: number; invalid: number };
  /** A destination forgotten with its rooms and attempts: the row as it was, and whether the dead-only guard was overridden. */
  "destination.forget": { snapshot: ForgottenDestination; forced?: true; bulk?: true };
  /** "Forget dead" on the console list: how many, and the list's filter that chose them. */
  "destination.bulk_forget": { count: number; search: string | null; status: string | null };
  /** A password set: by its owner (current password given) or by an admin. Existing sessions ended. */
  "user.set_password": { email: string; by: "self" | "admin" };
  /** A member ended all their console sessions. */
  "user.sign_out_everywhere": { email: string };
  /** The first admin created on the first-run setup page (from loopback, or with the start-up code). */
  "user.first_admin": { email: string; allowedBy: "loopback" | "setup_code" };
  /** A download of the destinations matching a filter (console "Export" or the export API), audited as it starts. */
  /** `rooms`: fedctl's JSON Lines with each destination's rooms (the console's and API's have counts). */
  "destinations.export": {
    format: string;
    search: string | null;
    status: string | null;
    rows: number;
    rooms?: boolean;
  };
};

/** What a forgotten destination was (int8 columns as strings, as pg returns them). */
export type ForgottenDestination = {
  destination: string;
  retry_last_ts: string;
  retry_interval: string;
  failure_ts: string | null;
  last_successful_stream_ordering: string | null;
  last_attempt_ts: string | null;
  last_outcome: string | null;
  last_error_kind: string | null;
  last_error_message: string | null;
  last_success_ts: string | null;
  resolved_address: string | null;
  server_software: string | null;
  server_version: string | null;
  rooms_count: number;
  attempts: number;
};

export type AuditAction = keyof AuditDetails;

/** One audit row to write: an action, the destination it concerns (if one), its detail. */
export type AuditEntry = {
  [A in AuditAction]: { action: A; destination?: string; detail: AuditDetails[A] };
}[AuditAction];
