// What went wrong talking to the homeserver's PostgreSQL, as an UpstreamError the sync can
// show ("The homeserver does not answer (…)"). Messages name the database (label), never the
// password: pg's own messages do not contain it, and the URL is never part of one.
import { UpstreamError } from "./types";

type ErrorLike = { code?: unknown; message?: unknown };

// SQLSTATE classes and codes (PostgreSQL, Appendix A "Error Codes").
const UNAUTHORIZED = new Set(["28000", "28P01", "42501"]);
const TIMEOUT = new Set(["57014", "55P03", "25P03"]); // statement/lock/idle-in-transaction timeout
const NOT_SYNAPSE = new Set(["42P01", "42703", "3F000", "42883"]); // table, column, schema, function
const NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "ETIMEDOUT",
  "IP_BLOCKED",
]);

function fields(error: unknown): { code: string; message: string } {
  const e = (typeof error === "object" && error !== null ? error : {}) as ErrorLike;
  return {
    code: typeof e.code === "string" ? e.code : "",
    message: typeof e.message === "string" && e.message !== "" ? e.message : String(error),
  };
}

/** `label` is the source's ("database synapse@db"). UpstreamErrors pass through unchanged. */
export function toUpstreamError(error: unknown, label: string): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const { code, message } = fields(error);
  const say = (what: string) => `${label}: ${what}`;
  if (UNAUTHORIZED.has(code)) {
    return new UpstreamError(
      say(`${message} (the role needs LOGIN and GRANT SELECT ON destinations, destination_rooms)`),
      "unauthorized",
    );
  }
  if (TIMEOUT.has(code) || /timeout expired|Query read timeout|timed out/i.test(message)) {
    return new UpstreamError(say(`timed out (${message})`), "timeout");
  }
  if (NOT_SYNAPSE.has(code)) {
    return new UpstreamError(say(`${message} (is this Synapse's database?)`), "bad_response");
  }
  // 08xxx connection exceptions, 53xxx out of resources, 57P0x shutdown/cannot connect now,
  // 3D000 no such database, network errors, the IP guard, TLS.
  if (
    code.startsWith("08") ||
    code.startsWith("53") ||
    code.startsWith("57P") ||
    code === "3D000" ||
    NETWORK.has(code) ||
    code.startsWith("ERR_TLS") ||
    /terminated|closed|SSL|certificate|self[- ]signed/i.test(message)
  ) {
    return new UpstreamError(say(message), "unreachable");
  }
  return new UpstreamError(say(code ? `${message} (${code})` : message), "bad_response");
}

/** The error an aborted operation ends with: a deadline is a timeout, anything else the reason itself. */
export function abortError(signal: AbortSignal, label: string): unknown {
  const reason: unknown = signal.reason;
  if (reason instanceof DOMException && reason.name === "TimeoutError") {
    return new UpstreamError(`${label}: timed out (${reason.message})`, "timeout");
  }
  return reason ?? new DOMException("aborted", "AbortError");
}
