// The one error type of the domain. Every expected failure is an AppError with a code; the
// HTTP layer maps codes to Matrix errcodes and statuses in one table (lib/http/matrix-errors.ts).
// Anything else that escapes is unexpected: logged, answered generically.

export type ErrorCode =
  | "missing_token"
  | "unknown_token"
  | "forbidden"
  | "not_found"
  | "invalid_param"
  | "bad_request"
  | "unrecognized"
  | "method_not_allowed"
  | "conflict"
  | "unavailable"
  | "not_json"
  | "bad_json"
  | "missing_param"
  | "rate_limited"
  | "upstream_failed";

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    /** Safe to show to the caller. */
    message: string,
    /** Extra fields for the JSON body (e.g. soft_logout). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
