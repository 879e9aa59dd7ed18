// One LISTEN connection per web process, fanned out to every open console page (README "Live
// updates"). The destinations triggers notify the changed names (channel.ts); the hub keeps
// those some page watches, and at each coalesced flush (coalescer.ts: at most once a second)
// reads their rows once — one query for all pages — and sends each page the rows it shows.
// Each web instance behind a load balancer has its own hub: NOTIFY reaches every listener.
//
// A page says since when it needs changes (the time it read its data, or the Last-Event-ID of
// a reconnecting stream): changes heard in the last RECENT_MS are replayed to it; if it asks
// for an older time, or the hub was not listening then, it is told to reload.
import type pg from "pg";
import { type Listener, keepListening } from "../db/listener";
import { CONSOLE_COLUMNS, type ConsoleSqlRow } from "../destinations/console-rows";
import { LIVE_CHANNEL, parseLivePayload } from "./channel";
import { Coalescer } from "./coalescer";
import { watchHash } from "./watch-hash";

/** How long changes are remembered for pages that connect (or reconnect) after them. */
export const RECENT_MS = 30_000;
/** Clock difference between instances, and notification latency, covered by a replay. */
export const SINCE_SLACK_MS = 2_000;

export type LiveUpdate =
  | { kind: "rows"; at: number; now: string; rows: ConsoleSqlRow[]; gone: string[] }
  | { kind: "reload"; at: number };

export type LiveSubscriber = {
  hashes: ReadonlySet<string>;
  deliver(u: LiveUpdate): void;
};

type Sub = LiveSubscriber & { pending: Set<string>; reload: boolean };

export type LiveHubOptions = {
  pool: pg.Pool;
  databaseUrl: string;
  intervalMs?: number;
  delayMs?: number;
  log?: (m: string) => void;
};

export class LiveHub {
  private readonly subs = new Set<Sub>();
  private readonly watched = new Map<string, number>();
  private recent: { at: number; hash: string; name: string }[] = [];
  private changed = new Set<string>();
  private all = false;
  private listeningSince: number | null = null;
  private readonly listener: Listener;
  private readonly coalescer: Coalescer;
  readonly ready: Promise<void>;
  private markReady!: () => void;
  /** Flushes done and rows sent, for the bench and tests. */
  readonly stats = { flushes: 0, queries: 0, updates: 0 };

  constructor(private readonly o: LiveHubOptions) {
    this.coalescer = new Coalescer(() => this.flush(), o.intervalMs ?? 1000, o.delayMs ?? 50);
    this.ready = new Promise((r) => {
      this.markReady = r;
    });
    this.listener = this.listen();
  }

  /** Adds a page; `since` (ms) = the time its rows were read, or null for "from now on". */
  subscribe(s: LiveSubscriber, since: number | null): () => void {
    const sub: Sub = { ...s, pending: new Set(), reload: false };
    this.subs.add(sub);
    for (const h of s.hashes) this.watched.set(h, (this.watched.get(h) ?? 0) + 1);
    if (since !== null) {
      const from = since - SINCE_SLACK_MS;
      if (this.listeningSince === null || since < this.listeningSince || since < Date.now() - RECENT_MS) {
        sub.reload = true;
      } else {
        for (const r of this.recent) if (r.at >= from && s.hashes.has(r.hash)) sub.pending.add(r.name);
      }
      if (sub.reload || sub.pending.size) this.coalescer.poke();
    }
    return () => {
      if (!this.subs.delete(sub)) return;
      for (const h of s.hashes) {
        const n = (this.watched.get(h) ?? 1) - 1;
        if (n > 0) this.watched.set(h, n);
        else this.watched.delete(h);
      }
    };
  }

  get subscribers(): number {
    return this.subs.size;
  }

  /** A notification's payload (exposed for tests; the LISTEN connection calls it). */
  hear(payload: string | undefined, at = Date.now()): void {
    const change = parseLivePayload(payload);
    if (change.all) {
      this.all = true;
      this.coalescer.poke();
      return;
    }
    this.pruneRecent(at);
    let any = false;
    for (const name of change.names) {
      const hash = watchHash(name);
      this.recent.push({ at, hash, name });
      if (this.watched.has(hash)) {
        this.changed.add(name);
        any = true;
      }
    }
    if (any) this.coalescer.poke();
  }

  private pruneRecent(now: number): void {
    const cut = now - RECENT_MS;
    if (this.recent.length === 0 || this.recent[0].at >= cut) return;
    let i = 0;
    while (i < this.recent.length && this.recent[i].at < cut) i++;
    this.recent = this.recent.slice(i);
  }

  private async flush(): Promise<void> {
    this.stats.flushes++;
    const changed = this.changed;
    this.changed = new Set();
    const all = this.all;
    this.all = false;
    const wanted = new Set<string>();
    for (const sub of this.subs) {
      if (all) sub.reload = true;
      if (sub.reload) continue;
      for (const name of changed) if (sub.hashes.has(watchHash(name))) sub.pending.add(name);
      for (const name of sub.pending) wanted.add(name);
    }
    const at = Date.now();
    let rows = new Map<string, ConsoleSqlRow>();
    if (wanted.size) {
      try {
        rows = await this.readRows([...wanted]);
      } catch (e) {
        // Database unavailable: the pages reload when they can (Next answers them then).
        this.o.log?.(`live updates: reading rows failed: ${(e as Error).message}`);
        for (const sub of this.subs) if (sub.pending.size) sub.reload = true;
      }
    }
    const now = BigInt(Date.now()).toString();
    for (const sub of this.subs) {
      if (sub.reload) {
        sub.reload = false;
        sub.pending.clear();
        sub.deliver({ kind: "reload", at });
        continue;
      }
      if (sub.pending.size === 0) continue;
      const mine: ConsoleSqlRow[] = [];
      const gone: string[] = [];
      for (const name of sub.pending) {
        const r = rows.get(name);
        if (r) mine.push(r);
        else gone.push(name);
      }
      sub.pending.clear();
      this.stats.updates++;
      sub.deliver({ kind: "rows", at, now, rows: mine, gone });
    }
  }

  private async readRows(names: string[]): Promise<Map<string, ConsoleSqlRow>> {
    this.stats.queries++;
    const r = await this.o.pool.query<ConsoleSqlRow>(
      `SELECT ${CONSOLE_COLUMNS} FROM destinations WHERE destination = ANY($1::text[])`,
      [names],
    );
    return new Map(r.rows.map((row) => [row.destination, { ...row, rooms_count: Number(row.rooms_count) }]));
  }

  /** LISTEN (lib/db/listener.ts); pages are told to reload after a reconnect. */
  private listen(): Listener {
    return keepListening({
      databaseUrl: this.o.databaseUrl,
      channels: [LIVE_CHANNEL],
      onNotification: (_channel, payload) => this.hear(payload),
      onListening: (again) => {
        this.listeningSince = Date.now();
        if (again) this.hear("*"); // anything may have changed while we were not listening
        this.markReady();
      },
      onLost: ({ error }) => {
        this.listeningSince = null;
        if (error) this.o.log?.(`live updates: LISTEN connection failed: ${error.message}`);
      },
    });
  }

  async stop(): Promise<void> {
    this.coalescer.stop();
    await this.listener.stop();
  }
}
