// The JSON of GET /_fedconsole/v1/destinations/<name> and …/<name>/attempts (README "Our own
// API"): Synapse's details first, exactly as its details endpoint writes them (serialize.ts),
// then what the console's destination page shows, in snake_case. Names shared with the export
// (export-format.ts EXPORT_FIELDS: status, last_error_kind, last_error, rooms_count) are the
// export's, so a script reads both the same way. 64-bit integers stay bigint.
import type { JsonValue } from "../http/json";
import type { DestinationDetail } from "./get-destination-detail";
import type { AttemptRow, AttemptsPage } from "./list-attempts";
import { detailsJson } from "./serialize";

export function destinationDetailJson(d: DestinationDetail): JsonValue {
  return {
    ...detailsJson(d),
    status: d.status.kind,
    next_retry_ts: d.status.nextRetryTs,
    last_attempt_ts: d.lastAttemptTs,
    last_outcome: d.lastOutcome,
    last_error_kind: d.lastErrorKind,
    last_error: d.lastErrorMessage,
    last_http_status: d.lastHttpStatus,
    last_success_ts: d.lastSuccessTs,
    resolved_address: d.resolvedAddress,
    server_software: d.serverSoftware,
    server_version: d.serverVersion,
    rooms_count: d.roomsCount,
  };
}

export function attemptJson(a: AttemptRow): JsonValue {
  return {
    id: a.id,
    started_ts: a.startedTs,
    duration_ms: a.durationMs,
    trigger: a.trigger,
    outcome: a.outcome,
    stage: a.stage,
    error_kind: a.reason,
    error: a.message,
    http_status: a.httpStatus,
    resolved_address: a.resolvedAddress,
    server_software: a.serverSoftware,
    server_version: a.serverVersion,
  };
}

export function attemptsPageJson(p: AttemptsPage): JsonValue {
  return { attempts: p.attempts.map(attemptJson), next_before: p.nextBefore };
}
