// The homeserver's own PostgreSQL as the mirror's source (FEDCONSOLE_UPSTREAM_DATABASE_URL):
// Synapse's `destinations` and `destination_rooms` read through a role that only has
// `GRANT SELECT ON destinations, destination_rooms`. It never writes: the sessions are
// read-only (default_transaction_read_only) and every statement here is a SELECT; resets go
// through the admin API, because Synapse caches retry timings in memory.
//
// Costs on the homeserver's database: a full pass is one short index range read per page of
// destinations and one for their rooms (database-scan.ts); recentFailures is a sequential scan
// of `destinations`, since Synapse has no index on retry_last_ts (lib/upstream/testing/
// synapse-schema.sql) and a read-only role cannot add one — measured in bench/upstream-db-scan.ts.
import type { DnsFunctions } from "../federation/guarded-lookup";
import type { AttemptSettings, UpstreamSettings } from "../settings/settings";
import { createUpstreamPool, databaseLabel, openSession, type UpstreamDb, withClient } from "./database-connection";
import { detectOrdering, type KeyOrdering } from "./database-ordering";
import { DESTINATION_COLUMNS, type RawDestinationRow, toDestination, toRoom } from "./database-rows";
import { cursorPages, readKeysetPage } from "./database-scan";
import {
  type DestinationPage,
  type RecentChanges,
  type RoomsResult,
  type UpstreamDestination,
  UpstreamError,
  type UpstreamProblem,
  type UpstreamRoom,
  type UpstreamSource,
} from "./types";
import { upstreamIpGuard } from "./upstream-ip-guard";

export type DatabaseSourceOptions = {
  /** Name resolution for the IP guard (tests inject one). */
  dns?: Pick<DnsFunctions, "lookup">;
  /** Connections at most (default 2). */
  maxConnections?: number;
};

/** A recent-changes answer holds at most this many page sizes of rows (the newest failures). */
export const RECENT_PAGES = 10;

export class DatabaseSource implements UpstreamSource {
  readonly kind = "database" as const;
  readonly label: string;
  private readonly db: UpstreamDb;
  private orderingPromise?: Promise<KeyOrdering>;

  constructor(
    url: string,
    private readonly settings: Pick<UpstreamSettings, "timeoutMs" | "pageSize" | "ipAllowlist">,
    attempts: Pick<AttemptSettings, "ipBlocklist" | "ipAllowlist">,
    options: DatabaseSourceOptions = {},
  ) {
    this.label = databaseLabel(url);
    const pool = createUpstreamPool({
      url,
      timeoutMs: settings.timeoutMs,
      guard: upstreamIpGuard(attempts, settings),
      dns: options.dns,
      max: options.maxConnections,
    });
    this.db = { pool, label: this.label, timeoutMs: settings.timeoutMs };
  }

  /** Whether the homeserver's database orders keys byte-wise (keyset pages) or not (cursor). */
  ordering(signal: AbortSignal): Promise<KeyOrdering> {
    if (this.orderingPromise) return this.orderingPromise;
    const p = withClient(this.db, signal, detectOrdering);
    this.orderingPromise = p;
    p.catch(() => {
      if (this.orderingPromise === p) this.orderingPromise = undefined; // ask again next time
    });
    return p;
  }

  async *scanDestinations(pageSize: number, signal: AbortSignal): AsyncGenerator<DestinationPage> {
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be >= 1, got ${pageSize}`);
    const ordering = await this.ordering(signal);
    if (ordering.destinations) {
      // One page ahead: the next page is read while the caller merges this one.
      // It is awaited only after the caller is done with this page: handled from the start, so
      // a failure is not an unhandled rejection meanwhile (it is thrown when awaited).
      const read = (after: string | null) => {
        const p = withClient(this.db, signal, (c) => readKeysetPage(c, ordering, after, pageSize));
        p.catch(() => {});
        return p;
      };
      let next: Promise<DestinationPage> | null = read(null);
      // Stopped early, the read in flight finishes on its own and gives its connection back.
      while (next) {
        const page: DestinationPage = await next;
        next = page.range.through === null ? null : read(page.range.through);
        yield page;
      }
      return;
    }
    const session = await openSession(this.db, signal);
    try {
      yield* cursorPages(session, pageSize);
      session.release(false);
    } catch (e) {
      session.release(true);
      throw session.failure(e);
    } finally {
      session.release(true); // stopped early: the open transaction goes with the connection
    }
  }

  async recentFailures(
    watermark: bigint,
    _state: { headOffset?: number },
    signal: AbortSignal,
  ): Promise<RecentChanges> {
    const limit = this.settings.pageSize * RECENT_PAGES;
    // No index on retry_last_ts in Synapse: a sequential scan of destinations plus a top-N sort.
    const raw = await withClient(this.db, signal, async (c) => {
      const r = await c.query({
        text: `SELECT ${DESTINATION_COLUMNS} FROM destinations WHERE retry_last_ts >= $1 AND retry_last_ts > 0
               ORDER BY retry_last_ts DESC LIMIT $2`,
        values: [watermark.toString(), limit],
        rowMode: "array",
      });
      return r.rows as RawDestinationRow[];
    });
    const problems: UpstreamProblem[] = [];
    const rows: UpstreamDestination[] = [];
    let newest = watermark;
    for (const r of raw) {
      const d = toDestination(r, problems);
      if (!d) continue;
      rows.push(d);
      if (d.retryLastTs > newest) newest = d.retryLastTs;
    }
    return { rows, problems, requests: 1, watermark: newest, truncated: raw.length === limit };
  }

  async destination(name: string, signal: AbortSignal): Promise<UpstreamDestination | null> {
    const raw = await withClient(this.db, signal, async (c) => {
      const r = await c.query({
        text: `SELECT ${DESTINATION_COLUMNS} FROM destinations WHERE destination = $1`,
        values: [name],
        rowMode: "array",
      });
      return r.rows as RawDestinationRow[];
    });
    if (raw.length === 0) return null;
    const problems: UpstreamProblem[] = [];
    const d = toDestination(raw[0], problems);
    if (!d) throw new UpstreamError(`${this.label}: ${problems[0]?.where}: ${problems[0]?.message}`, "bad_response");
    return d;
  }

  async rooms(name: string, signal: AbortSignal): Promise<RoomsResult> {
    // One statement: no row = no such destination; one row with NULL room_id = no rooms.
    const raw = await withClient(this.db, signal, async (c) => {
      const r = await c.query({
        text: `SELECT d.destination, r.room_id, r.stream_ordering
               FROM destinations d LEFT JOIN destination_rooms r ON r.destination = d.destination
               WHERE d.destination = $1 ORDER BY r.room_id COLLATE "C"`,
        values: [name],
        rowMode: "array",
      });
      return r.rows as [string, string | null, string | null][];
    });
    if (raw.length === 0) return { missing: true };
    const problems: UpstreamProblem[] = [];
    const rooms: UpstreamRoom[] = [];
    for (const [d, roomId, so] of raw) {
      if (roomId === null || so === null) continue;
      const room = toRoom([d, roomId, so], problems);
      if (room) rooms.push(room);
    }
    return { rooms, problems };
  }

  async close(): Promise<void> {
    await this.db.pool.end();
  }
}

/** The source of FEDCONSOLE_UPSTREAM_DATABASE_URL (settings().upstream, settings().attempts). */
export function createDatabaseSource(
  upstream: UpstreamSettings,
  attempts: AttemptSettings,
  options: DatabaseSourceOptions = {},
): DatabaseSource {
  if (upstream.databaseUrl === undefined) throw new Error("FEDCONSOLE_UPSTREAM_DATABASE_URL is not set");
  return new DatabaseSource(upstream.databaseUrl, upstream, attempts, options);
}
