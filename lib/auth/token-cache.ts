// The API's token checks kept in memory by the web process (scripts/start.ts turns this on with
// enableTokenCache), as Synapse caches get_user_by_access_token: a script or an admin UI sends
// the same token with every request, and its check was a database round trip each time
// (~0.14 ms of server and PostgreSQL CPU of a list call's ~0.8, bench/run.ts throughput).
//
// Correctness rests on forgetting in time, not on expiry:
// - every change that can make a token stand for something else (revoked, deleted, its owner
//   removed, renamed or given another role), by our code or by hand in SQL, NOTIFYs
//   fc_token_changes at its COMMIT (a trigger, migration 20261207000000_token_change_notify); the
//   cache empties when its LISTEN connection hears it, and this process's own revocations and
//   role changes empty it at once (forgetCachedTokens);
// - only while that connection is listening is anything kept or served from memory: when it
//   drops, the cache empties and every check reads the database until it listens again; a
//   heartbeat NOTIFY sent through the pool every 2 s must come back on it, so one that dies
//   without a word (a firewall, a pooler that drops NOTIFYs) counts as down after 5 s of silence;
// - a read is kept only if no change was heard while it ran (an epoch taken before the read), so
//   a check that read a token just before its revocation committed never outlives the NOTIFY.
// Entries also expire after MAX_AGE_MS and the whole cache empties at MAX_ENTRIES, so a
// forgotten path can never keep a token alive long nor memory grow without bound. Keys are the
// tokens' SHA-256 hashes, never the secrets.
import type pg from "pg";
import { type Listener, keepListening } from "../db/listener";

export const TOKEN_CHANGES_CHANNEL = "fc_token_changes";
/** The heartbeat's payload; a change's is empty (the trigger's). */
const PING = "ping";
const MAX_AGE_MS = 60_000;
const MAX_ENTRIES = 10_000;
const RECONNECT_MS = 500;

export type TokenCacheOptions = {
  databaseUrl: string;
  log?: (m: string) => void;
  /** How often a heartbeat NOTIFY goes out through the pool (default 2 s). */
  heartbeatMs?: number;
  /** No NOTIFY heard for this long (default 5 s): the connection is taken for dead, nothing is served. */
  silentMs?: number;
};

type Entry<T> = { value: T; at: number };

export class TokenCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private epoch = 0;
  private listening = false;
  /** When the LISTEN connection last proved it delivers: LISTEN in place, or any NOTIFY heard. */
  private heardAt = 0;
  private readonly listener: Listener;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly silentMs: number;
  /** Resolves once the first LISTEN is in place (tests wait for it). */
  readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(
    /** The pool whose token checks this cache may answer (any other pool reads the database). */
    readonly pool: pg.Pool,
    private readonly o: TokenCacheOptions,
  ) {
    this.silentMs = o.silentMs ?? 5_000;
    this.ready = new Promise((r) => (this.markReady = r));
    // A connection can die without a word (a firewall dropping it, a pooler that never delivers
    // NOTIFYs): a NOTIFY sent through the pool must come back on the LISTEN connection in time,
    // else nothing is served from memory — so a missed revocation outlives it by silentMs at most.
    this.heartbeat = setInterval(() => {
      if (this.listening) pool.query("SELECT pg_notify($1, $2)", [TOKEN_CHANGES_CHANNEL, PING]).catch(() => {});
    }, o.heartbeatMs ?? 2_000);
    this.heartbeat.unref();
    this.listener = this.listen();
  }

  /** Listening, and heard from within silentMs. */
  private live(now: number): boolean {
    return this.listening && now - this.heardAt <= this.silentMs;
  }

  /** Whether a change heard now would be seen as one since `ticket` (for store); -1 when not live. */
  ticket(now = Date.now()): number {
    return this.live(now) ? this.epoch : -1;
  }

  get(hash: string, now = Date.now()): T | undefined {
    if (!this.live(now)) return undefined;
    const e = this.entries.get(hash);
    if (e === undefined) return undefined;
    if (now - e.at > MAX_AGE_MS) {
      this.entries.delete(hash);
      return undefined;
    }
    return e.value;
  }

  /** Keeps a database read taken after `ticket()`, unless a change was heard since (or we stopped listening). */
  store(hash: string, ticket: number, value: T, now = Date.now()): void {
    if (ticket < 0 || ticket !== this.epoch || !this.live(now)) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(hash, { value, at: now });
  }

  /** Forgets everything (a change was heard or made here); reads in flight are not kept either. */
  forget(): void {
    this.epoch++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** A NOTIFY on the channel: a heartbeat proves the connection (after a silence, forget first). */
  private heard(payload: string | undefined, now = Date.now()): void {
    if (payload !== PING || !this.live(now)) this.forget();
    this.heardAt = now;
  }

  /** LISTEN (lib/db/listener.ts); nothing is cached while it is not in place. */
  private listen(): Listener {
    let warned = false; // one line per outage, not one per reconnect try
    return keepListening({
      databaseUrl: this.o.databaseUrl,
      channels: [TOKEN_CHANGES_CHANNEL],
      reconnectMs: RECONNECT_MS,
      onNotification: (_channel, payload) => this.heard(payload),
      onListening: () => {
        this.forget(); // anything may have changed while nobody listened
        this.heardAt = Date.now();
        this.listening = true;
        if (warned) this.o.log?.("token cache: listening again");
        warned = false;
        this.markReady();
      },
      onLost: ({ wasListening, error }) => {
        this.listening = false;
        this.forget();
        if (warned) return;
        warned = true;
        this.o.log?.(
          wasListening && !error
            ? "token cache: LISTEN connection lost; token checks read the database until it is back"
            : `token cache: LISTEN connection failed (${error?.message}); token checks read the database`,
        );
      },
    });
  }

  async stop(): Promise<void> {
    this.listening = false;
    clearInterval(this.heartbeat);
    this.forget();
    await this.listener.stop();
  }
}

// One per process, on globalThis: the Next server bundles lib/ apart from scripts/start.ts, and a
// revocation made through a console action must empty the cache the API router reads.
const g = globalThis as { __fedconsoleTokenCache?: TokenCache<unknown> };

/** scripts/start.ts: keep this process's API token checks on `pool` in memory (see above). */
export function enableTokenCache(pool: pg.Pool, o: TokenCacheOptions): TokenCache<unknown> {
  g.__fedconsoleTokenCache ??= new TokenCache(pool, o);
  return g.__fedconsoleTokenCache;
}

/** The process's cache when it is on and answers for `pool`. */
export function tokenCacheFor<T>(pool: pg.Pool): TokenCache<T> | undefined {
  const c = g.__fedconsoleTokenCache;
  return c !== undefined && c.pool === pool ? (c as TokenCache<T>) : undefined;
}

/** After this process changed tokens or roles: forget at once rather than at the NOTIFY. */
export function forgetCachedTokens(): void {
  g.__fedconsoleTokenCache?.forget();
}

/** For tests and shutdown: stops listening and forgets everything. */
export async function disableTokenCache(): Promise<void> {
  const c = g.__fedconsoleTokenCache;
  g.__fedconsoleTokenCache = undefined;
  await c?.stop();
}
