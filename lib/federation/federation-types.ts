// Types shared by the resolver, the HTTPS client and attemptConnection (kept apart so the
// modules do not import each other in a circle).

import type { AttemptStage } from "./attempt-result";
export type { AttemptStage };

/** Failure reasons (README "The retry scheduler", plus TIMEOUT/CANCELLED for the attempt deadline). */
export type FailureReason =
  | "INVALID_SERVER_NAME"
  | "DNS_NXDOMAIN"
  | "DNS_NO_ADDRESSES"
  | "DNS_TIMEOUT"
  | "DNS_ERROR"
  | "SRV_ERROR"
  | "SRV_UNAVAILABLE"
  | "IP_BLOCKED"
  | "CONNECT_REFUSED"
  | "CONNECT_RESET"
  | "CONNECT_TIMEOUT"
  | "CONNECT_ERROR"
  | "NETWORK_UNREACHABLE"
  | "TLS_HANDSHAKE"
  | "CERT_UNTRUSTED"
  | "CERT_NAME_MISMATCH"
  | "CERT_EXPIRED"
  | "HTTP_401"
  | "HTTP_404"
  | "HTTP_429"
  | "HTTP_5XX"
  | "HTTP_OTHER"
  | "INVALID_RESPONSE"
  | "BAD_CONTENT_TYPE"
  | "INVALID_JSON"
  | "RESPONSE_TOO_LARGE"
  | "RESPONSE_TIMEOUT"
  | "TIMEOUT"
  | "CANCELLED";

export type Failure = { stage: AttemptStage; reason: FailureReason; message: string };

/**
 * Where to open one socket: a pre-checked IP (never re-resolved), the name the certificate
 * must match (null for IP literals: no SNI, verify against the IP) and the Host header.
 */
export type Target = { address: string; port: number; tlsName: string | null; hostHeader: string };

/** Thrown by the HTTPS client for anything before response headers arrive. */
export class FederationRequestError extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
    this.name = "FederationRequestError";
  }
}

/** The abort reason attemptConnection uses for its deadline; any other abort is a cancellation. */
export function deadlineReason(timeoutMs: number): DOMException {
  return new DOMException(`attempt deadline of ${timeoutMs} ms reached`, "TimeoutError");
}

export function isDeadline(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof DOMException && signal.reason.name === "TimeoutError";
}
