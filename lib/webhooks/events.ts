// The alert events a webhook endpoint can subscribe to, their names in words, and the parser
// of a chosen list ("down,recovered") shared by the console, the API and fedctl.
import { AppError } from "../errors";

export const ALERT_EVENTS = ["down", "recovered", "dead", "cert_expiring", "sync_failing"] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];
/** What a delivery carries: an alert, or the "Send test" ping. */
export type EventKind = AlertEvent | "test";

export const EVENT_LABELS: Record<EventKind, string> = {
  down: "Destination down",
  recovered: "Destination recovered",
  dead: "Destination dead",
  cert_expiring: "Certificate expiring",
  sync_failing: "Upstream sync failing",
  test: "Test",
};

export const isAlertEvent = (s: string): s is AlertEvent => (ALERT_EVENTS as readonly string[]).includes(s);

/** A list of event names (array, or comma/space separated); empty = every event. */
export function parseEvents(input: string | readonly string[] | undefined | null): AlertEvent[] {
  const names = (typeof input === "string" ? input.split(/[\s,]+/) : (input ?? []))
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) return [...ALERT_EVENTS];
  const unknown = names.filter((n) => !isAlertEvent(n));
  if (unknown.length > 0) {
    throw new AppError(
      "invalid_param",
      `Unknown webhook event ${unknown.map((u) => `"${u}"`).join(", ")}; use ${ALERT_EVENTS.join(", ")}.`,
    );
  }
  // In the canonical order, once each.
  return ALERT_EVENTS.filter((e) => names.includes(e));
}
