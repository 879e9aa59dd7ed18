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
  /** A download of the destinations matching a filter (console "Export" or the export API), audited as it starts. */
  "destinations.export": { format: string; search: string | null; status: string | null; rows: number };
};

export type AuditAction = keyof AuditDetails;

/** One audit row to write: an action, the destination it concerns (if one), its detail. */
export type AuditEntry = {
  [A in AuditAction]: { action: A; destination?: string; detail: AuditDetails[A] };
}[AuditAction];
