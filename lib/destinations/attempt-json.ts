// The API's JSON of a manual attempt (POST /_fedconsole/v1/destinations/<name>/attempt): the
// destination's Synapse fields after it, as stored (exact 64-bit integers through
// lib/http/json.ts), and the attempt as recorded.
import type { JsonValue } from "../http/json";
import type { ManualAttempt } from "./attempt-now";
import type { AttemptRow } from "./list-attempts";
import { listItemJson } from "./serialize";

export function attemptRowJson(a: AttemptRow): JsonValue {
  return {
    id: a.id,
    trigger: a.trigger,
    started_ts: a.startedTs,
    duration_ms: a.durationMs,
    outcome: a.outcome,
    stage: a.stage,
    error_kind: a.reason,
    error_message: a.message,
    http_status: a.httpStatus,
    resolved_address: a.resolvedAddress,
    server_software: a.serverSoftware,
    server_version: a.serverVersion,
  };
}

export function manualAttemptJson(m: ManualAttempt): JsonValue {
  return {
    ...(listItemJson(m.destination) as Record<string, JsonValue>),
    timings_changed: m.timingsChanged,
    attempt: attemptRowJson(m.attempt),
  };
}
