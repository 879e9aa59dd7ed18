// A failed attempt in plain words: "TLS: certificate has expired". Stage and reason codes come
// from the scheduler (lib/federation/federation-types.ts); the scheduler's own message, when it
// adds something, follows as detail.

const STAGES: Record<string, string> = {
  name: "Server name",
  "well-known": "Well-known lookup",
  dns: "DNS",
  connect: "Connection",
  tls: "TLS",
  http: "HTTP",
  done: "Response",
};

const REASONS: Record<string, string> = {
  INVALID_SERVER_NAME: "the server name is not valid",
  DNS_NXDOMAIN: "the name does not exist (NXDOMAIN)",
  DNS_NO_ADDRESSES: "the name has no addresses",
  DNS_TIMEOUT: "the DNS lookup timed out",
  DNS_ERROR: "the DNS lookup failed",
  SRV_ERROR: "the SRV lookup failed",
  SRV_UNAVAILABLE: "the SRV record says the service is not available",
  IP_BLOCKED: "the address is in a blocked IP range",
  CONNECT_REFUSED: "connection refused",
  CONNECT_RESET: "connection reset by the remote server",
  CONNECT_TIMEOUT: "connecting timed out",
  CONNECT_ERROR: "could not connect",
  NETWORK_UNREACHABLE: "the network is unreachable",
  TLS_HANDSHAKE: "the TLS handshake failed",
  CERT_UNTRUSTED: "the certificate is not trusted",
  CERT_NAME_MISMATCH: "the certificate is for another name",
  CERT_EXPIRED: "certificate has expired",
  HTTP_401: "the server refused our request signature (401)",
  HTTP_404: "the federation version endpoint was not found (404)",
  HTTP_429: "the server is rate-limiting us (429)",
  HTTP_5XX: "the server answered with an error (5xx)",
  HTTP_OTHER: "unexpected HTTP status",
  INVALID_RESPONSE: "the response was not understood",
  BAD_CONTENT_TYPE: "the response was not JSON",
  INVALID_JSON: "the response body is not valid JSON",
  RESPONSE_TOO_LARGE: "the response was too large",
  RESPONSE_TIMEOUT: "the server did not answer in time",
  TIMEOUT: "the attempt timed out",
  CANCELLED: "the attempt was cancelled",
};

/** Which stage a reason code belongs to, when only the code is known (destinations.last_error_kind). */
function stageOf(reason: string): string | null {
  if (reason.startsWith("DNS_") || reason.startsWith("SRV_")) return "dns";
  if (reason.startsWith("CONNECT_") || reason === "NETWORK_UNREACHABLE" || reason === "IP_BLOCKED") return "connect";
  if (reason.startsWith("CERT_") || reason === "TLS_HANDSHAKE") return "tls";
  if (
    reason.startsWith("HTTP_") ||
    ["INVALID_RESPONSE", "BAD_CONTENT_TYPE", "INVALID_JSON", "RESPONSE_TOO_LARGE", "RESPONSE_TIMEOUT"].includes(reason)
  )
    return "http";
  if (reason === "INVALID_SERVER_NAME") return "name";
  return null;
}

export type FailureWords = {
  /** "TLS: certificate has expired" */
  summary: string;
  /** The scheduler's message when it says more than the summary, else null. */
  detail: string | null;
};

export function describeFailure(input: {
  stage?: string | null;
  reason: string | null;
  message: string | null;
  httpStatus?: number | null;
}): FailureWords | null {
  const { reason, message } = input;
  if (!reason && !message) return null;
  const stage = input.stage && input.stage !== "done" ? input.stage : reason ? stageOf(reason) : null;
  const stageWords = stage ? (STAGES[stage] ?? stage) : null;
  let words = reason ? (REASONS[reason] ?? reason.toLowerCase().replace(/_/g, " ")) : (message ?? "");
  if (reason === "HTTP_OTHER" && input.httpStatus) words = `unexpected HTTP status ${input.httpStatus}`;
  else if (reason === "HTTP_5XX" && input.httpStatus) words = `the server answered with an error (${input.httpStatus})`;
  const summary = stageWords ? `${stageWords}: ${words}` : words;
  const detail =
    message && reason && message.trim() !== "" && !summary.toLowerCase().includes(message.trim().toLowerCase())
      ? message
      : null;
  return { summary, detail };
}

type FailureSource = {
  reason: string | null;
  message: string | null;
  stage?: string | null;
  httpStatus?: number | null;
};

/**
 * A destination's current error in words, or null when it records none. The latest failed
 * attempt says more (its stage and HTTP status) when it is the failure the destination records;
 * otherwise (history trimmed, or a newer error) the recorded kind and message are described.
 */
export function describeCurrentFailure(
  d: { lastOutcome: string | null; lastErrorKind: string | null; lastErrorMessage: string | null },
  attemptsNewestFirst: readonly (FailureSource & { outcome: string })[],
): FailureWords | null {
  if (d.lastOutcome !== "failure" && !d.lastErrorKind) return null;
  const lastFailure = attemptsNewestFirst.find((a) => a.outcome === "failure");
  return describeFailure(
    lastFailure && lastFailure.reason === d.lastErrorKind
      ? lastFailure
      : { reason: d.lastErrorKind, message: d.lastErrorMessage },
  );
}
