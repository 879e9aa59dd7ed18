// The console's live stream (GET /events/destinations, README "Live updates"): server-sent
// events for the rows a page shows, from the process's one LiveHub.
//
//   event: hello   on connect (id = the time from which changes are delivered)
//   event: rows    {"now":"<ms>","rows":[<row as the list reads it>],"gone":["<name>"]}
//   event: reload  the page should re-read what it shows (too many changes, a gap)
//   : ping         every PING_MS, so proxies and load balancers keep the connection open
//
// Each event's id is the server time it was sent: a reconnecting EventSource sends it back as
// Last-Event-ID and gets what changed since (live-hub.ts). A stream ends after MAX_STREAM_MS
// and the browser reconnects: that re-checks the session, and spreads pages over instances again.
import { type Principal, requireRole } from "../auth/principal";
import { getDb } from "../db";
import type { ConsoleSqlRow } from "../destinations/console-rows";
import { LiveHub, type LiveUpdate } from "./live-hub";

export const PING_MS = 20_000;
export const MAX_STREAM_MS = 10 * 60_000;
/** Reconnect delay asked of the browser (the `retry:` field). */
export const RECONNECT_MS = 2_000;
/** Events a client may leave unread before its stream is ended (it reconnects and reloads). */
const MAX_UNREAD = 32;

export const LIVE_HEADERS: Record<string, string> = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  // nginx buffers proxied answers unless told not to; SSE must reach the browser as it is written.
  "X-Accel-Buffering": "no",
};

type Holder = { hub?: Promise<LiveHub> };
const g = globalThis as { __fedconsoleLive?: Holder };
g.__fedconsoleLive ??= {};
const holder: Holder = g.__fedconsoleLive;

/** The process's hub, started on first use (its LISTEN connection stays open for the process). */
export function liveHub(): Promise<LiveHub> {
  holder.hub ??= getDb().then(({ pool, url }) => new LiveHub({ pool, databaseUrl: url, log: (m) => console.warn(m) }));
  return holder.hub;
}

/**
 * The time from which a page rendered now needs changes: read it BEFORE reading the rows. Waits
 * (briefly) for the hub to listen, so the page does not get a needless reload on first connect.
 */
export async function liveSince(): Promise<number> {
  const hub = await liveHub();
  await Promise.race([hub.ready, new Promise((r) => setTimeout(r, 2_000))]);
  return Date.now();
}

const rowJson = new WeakMap<ConsoleSqlRow, string>();
function jsonOf(r: ConsoleSqlRow): string {
  let s = rowJson.get(r);
  if (s === undefined) {
    s = JSON.stringify(r);
    rowJson.set(r, s);
  }
  return s;
}

export function formatLiveEvent(u: LiveUpdate): string {
  if (u.kind === "reload") return `event: reload\nid: ${u.at}\ndata: {}\n\n`;
  const rows = u.rows.map(jsonOf).join(",");
  return `event: rows\nid: ${u.at}\ndata: {"now":"${u.now}","rows":[${rows}],"gone":${JSON.stringify(u.gone)}}\n\n`;
}

export async function openLiveStream(
  actor: Principal,
  watch: { hashes: ReadonlySet<string>; since: number | null },
  hub?: LiveHub,
): Promise<ReadableStream<Uint8Array>> {
  requireRole(actor, "viewer", "watch destinations");
  const h = hub ?? (await liveHub());
  const encoder = new TextEncoder();
  let end: (() => void) | undefined;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let open = true;
        const send = (s: string) => {
          if (!open) return;
          if ((controller.desiredSize ?? 0) < -MAX_UNREAD) return end?.();
          controller.enqueue(encoder.encode(s));
        };
        const unsubscribe = h.subscribe(
          { hashes: watch.hashes, deliver: (u) => send(formatLiveEvent(u)) },
          watch.since,
        );
        const ping = setInterval(() => send(": ping\n\n"), PING_MS);
        const life = setTimeout(() => end?.(), MAX_STREAM_MS);
        end = () => {
          if (!open) return;
          open = false;
          unsubscribe();
          clearInterval(ping);
          clearTimeout(life);
          try {
            controller.close();
          } catch {
            /* already cancelled */
          }
        };
        send(`retry: ${RECONNECT_MS}\nevent: hello\nid: ${watch.since ?? Date.now()}\ndata: {}\n\n`);
      },
      cancel() {
        end?.();
      },
    },
    { highWaterMark: 1 },
  );
}

/** `since` from a reconnect's Last-Event-ID (preferred: it is newer) or the page's `since`. */
export function parseSince(lastEventId: string | null, since: string | null): number | null {
  for (const v of [lastEventId, since]) {
    if (v && /^\d{1,15}$/.test(v)) return Number(v);
  }
  return null;
}
