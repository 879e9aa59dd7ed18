// What one connection attempt found, as the scheduler records it.
import type { Outcome } from "./backoff";

export type AttemptStage = "name" | "well-known" | "dns" | "connect" | "tls" | "http" | "done";

export type AttemptResult = {
  /** success (2xx) | failure (grows the backoff) | neutral (answered, e.g. 404: timings unchanged) */
  outcome: Outcome;
  /** Stage reached; where it failed, or "done". */
  stage: AttemptStage;
  /** Reason code (lib/federation/federation-types.ts FailureReason), e.g. CONNECT_REFUSED, CERT_EXPIRED, HTTP_5XX; null on a clean success. */
  reason: string | null;
  /** Plain words for operators. */
  message: string | null;
  httpStatus: number | null;
  /** "ip:port" ("[v6]:port") of the last target tried. */
  resolvedAddress: string | null;
  serverSoftware: string | null;
  serverVersion: string | null;
  durationMs: number;
  /** notAfter (ms since the epoch) of the certificate the remote presented, when the TLS handshake got that far. */
  certNotAfterMs?: number | null;
};
