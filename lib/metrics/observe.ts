// What the rest of lib/ calls to count: small functions so the scheduler, the router and the
// sign-in code name what happened and never touch prom-client themselves.
import { metrics } from "./registry";

export function observeAttempt(outcome: string, reason: string | null, durationMs: number): void {
  const m = metrics();
  m.attempts.inc({ outcome, reason: reason ?? "" });
  m.attemptDuration.observe({ outcome }, durationMs / 1000);
}

export function observeTick(durationMs: number): void {
  metrics().tickDuration.observe(durationMs / 1000);
}

/** A scheduler in this process reports its in-flight attempts (read at scrape time); returns the undo. */
export function reportClaimsInFlight(inFlight: () => number): () => void {
  const sources = metrics().inFlightSources;
  sources.add(inFlight);
  return () => sources.delete(inFlight);
}

/** `route` is the route's template (e.g. /_synapse/admin/v1/federation/destinations/{}), never the raw path. */
export function observeHttp(method: string, route: string, status: number, durationMs: number): void {
  const m = metrics();
  m.httpRequests.inc({ method, route, status: String(status) });
  m.httpDuration.observe({ method, route }, durationMs / 1000);
}

export type SignInVia = "console" | "matrix";

export function countSignInFailure(via: SignInVia): void {
  metrics().signInFailures.inc({ via });
}

export function countThrottledLogin(via: SignInVia): void {
  metrics().throttledLogins.inc({ via });
}

/**
 * For the alert webhooks' delivery code: one call per delivery attempt with its outcome
 * ("delivered", "failed" — the receiver answered non-2xx or not at all — or "gave_up" once
 * retries are exhausted), exported as fedconsole_webhook_deliveries_total{outcome}.
 */
export function countWebhookDelivery(outcome: string): void {
  metrics().webhookDeliveries.inc({ outcome });
}
