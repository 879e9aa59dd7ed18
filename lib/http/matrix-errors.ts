// The single mapping from domain errors to Matrix error responses ({errcode, error}).
import { AppError, type ErrorCode } from "../errors";
import { isDatabaseDown } from "../db/errors";

export type MatrixError = { status: number; errcode: string };

const TABLE: Record<ErrorCode, MatrixError> = {
  missing_token: { status: 401, errcode: "M_MISSING_TOKEN" },
  unknown_token: { status: 401, errcode: "M_UNKNOWN_TOKEN" },
  forbidden: { status: 403, errcode: "M_FORBIDDEN" },
  not_found: { status: 404, errcode: "M_NOT_FOUND" },
  invalid_param: { status: 400, errcode: "M_INVALID_PARAM" },
  // Synapse answers "reset not needed" and other plain SynapseErrors with M_UNKNOWN.
  bad_request: { status: 400, errcode: "M_UNKNOWN" },
  unrecognized: { status: 404, errcode: "M_UNRECOGNIZED" },
  method_not_allowed: { status: 405, errcode: "M_UNRECOGNIZED" },
  conflict: { status: 409, errcode: "M_UNKNOWN" },
  unavailable: { status: 503, errcode: "M_UNKNOWN" },
  // request bodies (Matrix login): not JSON at all / JSON of the wrong shape / a field missing
  not_json: { status: 400, errcode: "M_NOT_JSON" },
  bad_json: { status: 400, errcode: "M_BAD_JSON" },
  missing_param: { status: 400, errcode: "M_MISSING_PARAM" },
  // too many failed logins; the body carries retry_after_ms
  rate_limited: { status: 429, errcode: "M_LIMIT_EXCEEDED" },
  // mirror mode: the homeserver did not do what was relayed to it (unreachable, 5xx, token refused)
  upstream_failed: { status: 502, errcode: "M_UNKNOWN" },
};

/**
 * Our code for an answer another Matrix server gave (a relayed reset's 400 or 404), so the
 * caller gets the same status and errcode; undefined when no code of ours answers exactly so.
 */
export function codeForMatrixError(status: number, errcode: string): ErrorCode | undefined {
  for (const [code, m] of Object.entries(TABLE) as [ErrorCode, MatrixError][]) {
    if (m.status === status && m.errcode === errcode && code !== "method_not_allowed") return code;
  }
  return undefined;
}

export type MatrixErrorBody = { status: number; body: Record<string, unknown> };

export function toMatrixError(e: unknown, log: (msg: string) => void = console.error): MatrixErrorBody {
  if (e instanceof AppError) {
    const m = TABLE[e.code];
    return { status: m.status, body: { errcode: m.errcode, error: e.message, ...e.extra } };
  }
  const bad = badInputMessage(e);
  if (bad !== null) return { status: 400, body: { errcode: "M_INVALID_PARAM", error: bad } };
  if (isDatabaseDown(e)) {
    return { status: 503, body: { errcode: "M_UNKNOWN", error: "The database is unavailable; try again shortly." } };
  }
  log(`unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return { status: 500, body: { errcode: "M_UNKNOWN", error: "Internal server error" } };
}

/**
 * PostgreSQL refusing the caller's input (NUL bytes, invalid encodings, text that is not a number
 * of the column's type): a value a route should have checked reached a query, but it is still
 * the caller's mistake — 400, never 500. null for every other error.
 */
function badInputMessage(e: unknown): string | null {
  const code = (e as { code?: string } | null)?.code ?? "";
  if (code === "22021" || code === "22P05" || code === "54000")
    return "The request contains characters that cannot be stored or searched.";
  if (code === "22P02" || code === "22003") return "A value in the request is not a number of the expected kind.";
  return null;
}
