// The API's JSON of a manual attempt (POST /_fedconsole/v1/destinations/<name>/attempt): the
// destination's Synapse fields after it, as stored (exact 64-bit integers through
// lib/http/json.ts), whether the attempt changed them, and the attempt as recorded — in the
// same fields as GET …/<name>/attempts (detail-json.ts).
import type { JsonValue } from "../http/json";
import type { ManualAttempt } from "./attempt-now";
import { attemptJson } from "./detail-json";
import { listItemJson } from "./serialize";

export function manualAttemptJson(m: ManualAttempt): JsonValue {
  return {
    ...(listItemJson(m.destination) as Record<string, JsonValue>),
    timings_changed: m.timingsChanged,
    attempt: attemptJson(m.attempt),
  };
}
