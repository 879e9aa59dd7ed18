// The sync loop of mirror mode, inside the scheduler process (npm start or npm run scheduler):
// a full pass at start and every FEDCONSOLE_UPSTREAM_SYNC_INTERVAL (or when fedctl asks), a
// recent-changes pass every FEDCONSOLE_UPSTREAM_POLL_INTERVAL in between. One syncer at a time
// across every process on our database: a session advisory lock held on a dedicated connection
// (released by PostgreSQL if the process dies); the others wait and take over.
// Passes run one after the other, never side by side: a full pass's page read before a recent
// pass merged newer values must not overwrite them.
import crypto from "node:crypto";
import os from "node:os";
import pg from "pg";
import type { UpstreamSettings } from "../settings/settings";
import { runFullPass, type PassResult } from "./full-pass";
import { runRecentPass } from "./recent-pass";
import { clearFullRequest, closeAbandonedPasses, loadState, readState, SYNC_CHANNEL } from "./sync-state";
import type { UpstreamSource } from "./types";

/** Advisory lock key of the syncer (arbitrary, constant; migrations use another). */
export const SYNC_LOCK_KEY = 724_311_978;

export type SyncerDeps = {
  pool: pg.Pool;
  /** For the dedicated connection holding the lock and LISTENing for fedctl's requests. */
  databaseUrl: string;
  source: UpstreamSource;
  upstream: UpstreamSettings;
  log?: (m: string) => void;
  now?: () => number;
};

export type SyncerHandle = {
  readonly owner: string;
  /** Whether this process holds the sync lock now. */
  isSyncing(): boolean;
  stop(): Promise<void>;
};

/** Identifies what is mirrored, so that pointing the console elsewhere starts afresh. */
export const sourceKey = (s: UpstreamSource) => `${s.kind} ${s.label}`;

export function startUpstreamSync(d: SyncerDeps): SyncerHandle {
  const log = d.log ?? (() => {});
  const now = d.now ?? Date.now;
  const owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
  const ac = new AbortController();
  let lockClient: pg.Client | undefined;
  let haveLock = false;
  let wake: (() => void) | undefined;
  let lastFullStart: number | undefined;
  let fullRetryMs = d.upstream.pollIntervalMs;
  let nextFullAt = 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  async function connectLock(): Promise<boolean> {
    if (!lockClient) {
      const c = new pg.Client({ connectionString: d.databaseUrl, connectionTimeoutMillis: 5_000, keepAlive: true });
      c.on("error", () => {
        haveLock = false; // the session (and its lock) is gone; take it again later
        lockClient = undefined;
      });
      c.on("notification", (m) => {
        if (m.channel === SYNC_CHANNEL) wake?.();
      });
      await c.connect();
      await c.query(`LISTEN ${SYNC_CHANNEL}`);
      lockClient = c;
    }
    if (!haveLock) {
      const r = await lockClient.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [SYNC_LOCK_KEY]);
      haveLock = r.rows[0].ok;
      if (haveLock) {
        log(`upstream sync: this process syncs from ${d.source.label}`);
        await loadState(d.pool, sourceKey(d.source));
        await closeAbandonedPasses(d.pool, now());
      }
    }
    return haveLock;
  }

  async function once(): Promise<void> {
    const state = await readState(d.pool);
    const t = now();
    const requested = state?.fullRequestedAt ?? null;
    const due = lastFullStart === undefined || t - lastFullStart >= d.upstream.syncIntervalMs;
    if ((due && t >= nextFullAt) || requested !== null) {
      lastFullStart = t;
      const r: PassResult = await runFullPass({
        pool: d.pool,
        source: d.source,
        pageSize: d.upstream.pageSize,
        roomsConcurrency: d.upstream.roomsConcurrency,
        roomsPerPass: d.upstream.roomsPerPass,
        owner,
        signal: ac.signal,
        now,
        log,
      });
      if (requested !== null) await clearFullRequest(d.pool, requested);
      // A failed pass is tried again soon (doubling up to the sync interval), not after 5 minutes.
      if (r.status === "failed") {
        lastFullStart = undefined;
        nextFullAt = now() + fullRetryMs;
        fullRetryMs = Math.min(fullRetryMs * 2, d.upstream.syncIntervalMs);
      } else fullRetryMs = d.upstream.pollIntervalMs;
      return;
    }
    await runRecentPass({
      pool: d.pool,
      source: d.source,
      roomsConcurrency: d.upstream.roomsConcurrency,
      owner,
      signal: ac.signal,
      now,
      log,
    });
  }

  const loop = (async () => {
    while (!ac.signal.aborted) {
      try {
        if (await connectLock()) await once();
      } catch (e) {
        // Our database or a bug, not the upstream (passes record those themselves): say so, go on.
        if (!ac.signal.aborted) log(`upstream sync: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (!ac.signal.aborted) await sleep(d.upstream.pollIntervalMs);
    }
  })();

  return {
    owner,
    isSyncing: () => haveLock,
    async stop() {
      ac.abort();
      wake?.();
      await loop;
      await lockClient?.end().catch(() => {});
      await d.source.close().catch(() => {});
    },
  };
}
