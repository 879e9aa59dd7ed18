// The API's JSON of a stored check (README "Federation checks"): exact ids, times in ms.
import type { JsonValue } from "../http/json";
import type { StoredCheck } from "./stored-checks";

export function checkJson(c: StoredCheck, withReport = true): JsonValue {
  return {
    id: c.id,
    server_name: c.serverName,
    trigger: c.trigger,
    requested_by: c.requestedBy,
    requested_via: c.via,
    started_ts: c.startedAt.getTime(),
    finished_ts: c.finishedAt?.getTime() ?? null,
    federation_ok: c.federationOk,
    summary: c.headline,
    ...(withReport ? { report: c.report as unknown as JsonValue } : {}),
  };
}
