// The database source's own small pool to the homeserver's PostgreSQL: read-only sessions
// (default_transaction_read_only, so even a mistaken write fails), a statement timeout of
// FEDCONSOLE_UPSTREAM_TIMEOUT, application_name 'fedconsole-mirror' (visible to the
// homeserver's operator in pg_stat_activity), every value as text (exact BIGINTs), and every
// TCP connection through the upstream IP guard (upstream-ip-guard.ts).
import pg from "pg";
import type { DnsFunctions } from "../federation/guarded-lookup";
import type { IpGuard } from "../federation/ip-guard";
import { abortError, toUpstreamError } from "./database-errors";
import { UpstreamError } from "./types";
import { guardedPgStream } from "./upstream-ip-guard";

export type UpstreamPoolOptions = {
  url: string;
  timeoutMs: number;
  guard: IpGuard;
  dns?: Pick<DnsFunctions, "lookup">;
  /** Connections at most (default 2: a pass and a read-through). */
  max?: number;
};

/** The pool with what every session needs: the source's label and the per-request deadline. */
export type UpstreamDb = { pool: pg.Pool; label: string; timeoutMs: number };

// No parsing at all: BIGINT (and everything else) arrives as its text; database-rows.ts converts.
const RAW_TEXT = {
  getTypeParser: () => (value: string) => value,
} as unknown as pg.CustomTypesConfig;

/** "database synapse@db.example.org" (with the port when not 5432); never the user or password. */
export function databaseLabel(url: string): string {
  const p = new pg.Client({ connectionString: url });
  const host = p.host ?? "localhost";
  const port = p.port && p.port !== 5432 && !host.startsWith("/") ? `:${p.port}` : "";
  return `database ${p.database ?? "?"}@${host}${port}`;
}

export function createUpstreamPool(o: UpstreamPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: o.url,
    max: o.max ?? 2,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: o.timeoutMs,
    keepAlive: true,
    application_name: "fedconsole-mirror",
    statement_timeout: o.timeoutMs,
    idle_in_transaction_session_timeout: o.timeoutMs,
    // No pg query_timeout: its timer is never cleared for COPY streams (pg-copy-streams calls
    // no callback) and would fire into a finished stream. Session.run is the client-side deadline.
    options: "-c default_transaction_read_only=on",
    types: RAW_TEXT,
    stream: guardedPgStream(o.guard, o.dns),
  } as pg.PoolConfig);
  // An idle connection dropped by the server must not crash the process; the next use reconnects.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}

/** A pooled client held for a while, given back at most once. */
export type Session = {
  client: pg.PoolClient;
  /**
   * `work` on this client within the deadline (timeoutMs, plus a second so the server's own
   * statement_timeout usually answers first): past it the connection is ended, so a server that
   * stopped answering cannot hang the sync.
   */
  run<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  release(destroy: boolean): void;
  /** What a failed operation throws: the abort's or the deadline's error, else an UpstreamError. */
  failure(error: unknown): unknown;
};

/**
 * Takes a client for `signal`'s lifetime: an abort ends the connection at once (the query in
 * flight fails). Call release(true) after an error, so no half-done transaction is reused.
 */
export async function openSession(db: UpstreamDb, signal: AbortSignal): Promise<Session> {
  const { label } = db;
  if (signal.aborted) throw abortError(signal, label);
  let client: pg.PoolClient;
  try {
    client = await raceConnect(db.pool, signal);
  } catch (e) {
    throw signal.aborted ? abortError(signal, label) : toUpstreamError(e, label);
  }
  let released = false;
  let timedOut = false;
  const release = (destroy: boolean) => {
    if (released) return;
    released = true;
    signal.removeEventListener("abort", onAbort);
    client.release(destroy);
  };
  const onAbort = () => release(true);
  signal.addEventListener("abort", onAbort, { once: true });
  return {
    client,
    release,
    run: async (work) => {
      const timer = setTimeout(() => {
        timedOut = true;
        release(true);
      }, db.timeoutMs + 1_000);
      try {
        return await work(client);
      } finally {
        clearTimeout(timer);
      }
    },
    failure: (error) => {
      if (signal.aborted) return abortError(signal, label);
      if (timedOut) return new UpstreamError(`${label}: no answer within ${db.timeoutMs} ms`, "timeout");
      return toUpstreamError(error, label);
    },
  };
}

/** Runs `body` on one pooled client within the deadline (Session.run); errors as Session.failure. */
export async function withClient<T>(
  db: UpstreamDb,
  signal: AbortSignal,
  body: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const session = await openSession(db, signal);
  try {
    const result = await session.run(body);
    session.release(false);
    return result;
  } catch (e) {
    session.release(true);
    throw session.failure(e);
  }
}

/** pool.connect() unless the signal aborts first; a connection that arrives late goes back. */
function raceConnect(pool: pg.Pool, signal: AbortSignal): Promise<pg.PoolClient> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    pool.connect().then(
      (client) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) client.release();
        else resolve(client);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
