// PostgreSQL LISTEN on a dedicated connection that reconnects when it drops: the scheduler's
// wake-ups, the console's live updates and the token cache's invalidations all hear NOTIFYs this
// way. A NOTIFY sent while nobody listened is lost, so each user is told when LISTEN is in
// place again (`onListening`) and catches up its own way (poke, reload, forget).
import pg from "pg";

export type ListenerOptions = {
  databaseUrl: string;
  channels: readonly string[];
  onNotification: (channel: string, payload: string | undefined) => void;
  /** LISTEN is in place: `again` after a reconnect (something may have been missed meanwhile). */
  onListening?: (again: boolean) => void;
  /** A listening connection ended (`error` undefined), or connecting or LISTEN failed. */
  onLost?: (lost: { wasListening: boolean; error?: Error }) => void;
  /** Pause between tries (default 500 ms). */
  reconnectMs?: number;
};

export type Listener = { stop(): Promise<void> };

export function keepListening(o: ListenerOptions): Listener {
  let stopped = false;
  /** The connection while it listens (stop() ends it; one still connecting is let finish). */
  let current: pg.Client | undefined;
  let wake: (() => void) | undefined;
  void (async () => {
    let again = false;
    while (!stopped) {
      // Not ended while it connects (pg then never settles connect()): the loop ends it once
      // made, and the connect timeout bounds how long that takes.
      const c = new pg.Client({ connectionString: o.databaseUrl, keepAlive: true, connectionTimeoutMillis: 10_000 });
      c.on("error", () => {}); // a dropped connection ends `closed` below
      let listening = false;
      try {
        await c.connect();
        c.on("notification", (n) => o.onNotification(n.channel, n.payload));
        const closed = new Promise<void>((resolve) => {
          c.on("error", () => resolve());
          c.on("end", () => resolve());
        });
        await c.query(o.channels.map((ch) => `LISTEN ${ch}`).join("; "));
        if (stopped) {
          await c.end().catch(() => {});
          break;
        }
        current = c;
        listening = true;
        o.onListening?.(again);
        again = true;
        await closed;
        if (!stopped) o.onLost?.({ wasListening: true });
      } catch (e) {
        if (!stopped) o.onLost?.({ wasListening: listening, error: e as Error });
      }
      current = undefined;
      await c.end().catch(() => {});
      if (!stopped)
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, o.reconnectMs ?? 500);
        });
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      // A connection still being made is ended by the loop once made (or timed out): stopping
      // never waits on a database that does not answer.
      await current?.end().catch(() => {});
    },
  };
}
