// The JSON body of an alert (README "Alert webhooks" has an example). One event per
// destination, or one grouped event for many of one kind (a network outage): the count, the
// first GROUP_LIST names, and the reasons that most of them share. `text` is a one-line summary
// in words: Slack, Mattermost and matrix-hookshot incoming webhooks post it as it is.
import { describeFailure } from "../destinations/describe-error";
import { formatDuration } from "../destinations/humanize";
import type { EventKind } from "./events";

/** Destinations listed by name in a grouped event; the rest are counted. */
export const GROUP_LIST = 20;

export type PendingAlert = {
  kind: EventKind;
  destination: string | null;
  at: number;
  detail: {
    reason?: string | null;
    message?: string | null;
    stage?: string | null;
    http_status?: number | null;
    failing_since?: number | null;
    failures?: number;
    not_after?: number;
    damped?: boolean;
  };
};

export type PayloadContext = { publicUrl?: string; serverName: string };

const STATUS: Record<EventKind, string> = {
  down: "down",
  recovered: "recovered",
  dead: "dead",
  cert_expiring: "certificate expiring",
  sync_failing: "upstream sync failing",
  test: "test",
};

/** How `text` says it of one destination, and of several. */
const VERB: Record<EventKind, [string, string]> = {
  down: ["is down", "are down"],
  recovered: ["has recovered", "have recovered"],
  dead: ["is dead (failing for days)", "are dead (failing for days)"],
  cert_expiring: ["has a certificate about to expire", "have certificates about to expire"],
  sync_failing: ["", ""],
  test: ["", ""],
};

const ICON: Record<EventKind, string> = {
  down: "🔴",
  recovered: "🟢",
  dead: "⚫",
  cert_expiring: "🟠",
  sync_failing: "🟠",
  test: "🔔",
};

const link = (c: PayloadContext, path: string) => (c.publicUrl ? `${c.publicUrl}${path}` : null);
const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

function reasonWords(a: PendingAlert): string | null {
  const d = a.detail;
  if (a.kind === "cert_expiring" && d.not_after != null) return `the certificate expires ${iso(d.not_after)}`;
  if (a.kind === "sync_failing") return d.message ?? "the homeserver does not answer the sync";
  if (a.kind === "recovered") {
    return d.failing_since != null
      ? `reachable again after ${formatDuration(a.at - d.failing_since)}`
      : "reachable again";
  }
  return (
    describeFailure({ reason: d.reason ?? null, message: d.message ?? null, stage: d.stage, httpStatus: d.http_status })
      ?.summary ?? null
  );
}

function destinationEntry(a: PendingAlert, c: PayloadContext) {
  const name = a.destination ?? "";
  return {
    destination: name,
    reason: reasonWords(a),
    reason_code: a.detail.reason ?? null,
    message: a.detail.message ?? null,
    failing_since_ts: a.detail.failing_since ?? null,
    failing_since: iso(a.detail.failing_since),
    failures: a.detail.failures ?? null,
    not_after_ts: a.detail.not_after ?? null,
    link: link(c, `/destinations/${encodeURIComponent(name)}`),
  };
}

/** The payload of one event for these alerts (all of one kind); `id` is filled in once the event row exists. */
export function buildPayload(kind: EventKind, alerts: PendingAlert[], nowMs: number, c: PayloadContext) {
  const listed = alerts.slice(0, GROUP_LIST).map((a) => destinationEntry(a, c));
  const grouped = alerts.length > 1 || kind === "test";
  const first = alerts[0];
  const reasons = commonReasons(alerts);
  const reason = kind === "test" ? "a test sent from the console" : (reasons[0]?.reason ?? null);
  const names = listed.map((d) => d.destination).filter(Boolean);
  const more = alerts.length - names.length;
  let text: string;
  if (kind === "sync_failing") {
    text = `${ICON[kind]} ${c.serverName}: the upstream sync has been failing since ${iso(first?.detail.failing_since)}${reason ? `: ${reason}` : ""}`;
  } else if (kind === "test") {
    text = `${ICON[kind]} Test from Federation Console (${c.serverName}): this webhook works`;
  } else if (!grouped) {
    text = `${ICON[kind]} ${names[0]} ${VERB[kind][0]}${reason ? `: ${reason}` : ""}`;
  } else {
    const shown = names.slice(0, 5).join(", ");
    const rest = alerts.length - Math.min(5, names.length);
    text = `${ICON[kind]} ${alerts.length} destinations ${VERB[kind][1]}: ${shown}${rest > 0 ? ` and ${rest} more` : ""}${reason ? ` (mostly: ${reason})` : ""}`;
  }
  const consolePath =
    kind === "sync_failing"
      ? "/sync"
      : !grouped && names[0]
        ? `/destinations/${encodeURIComponent(names[0])}`
        : kind === "recovered"
          ? "/destinations?status=healthy"
          : "/destinations?status=failing";
  return {
    event: kind,
    status: STATUS[kind],
    text,
    reason,
    server_name: c.serverName,
    count: kind === "test" ? 0 : alerts.length,
    destinations: kind === "sync_failing" || kind === "test" ? [] : listed,
    more: kind === "sync_failing" || kind === "test" ? 0 : Math.max(0, more),
    reasons,
    first_at_ts: first?.at ?? nowMs,
    first_at: iso(first?.at ?? nowMs),
    created_at_ts: nowMs,
    created_at: iso(nowMs),
    link: link(c, consolePath),
  };
}

export type Payload = ReturnType<typeof buildPayload> & { id: string };

/** Reasons in words with how many alerts share each, most shared first (at most 5). */
function commonReasons(alerts: PendingAlert[]): { reason: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const a of alerts) {
    const r = reasonWords(a);
    if (r) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 5)
    .map(([reason, count]) => ({ reason, count }));
}
