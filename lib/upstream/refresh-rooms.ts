// Rooms through the admin API cost one request (or more) per destination, so each pass reads
// a bounded number of room sets (FEDCONSOLE_UPSTREAM_ROOMS_PER_PASS), in this order:
//   1. destinations whose timings changed in this pass (what just happened matters most);
//   2. failing destinations, in turn (destination order, continuing where the last pass
//      stopped: failing_rooms_cursor) — their shared rooms say who a failure hurts;
//   3. every other destination, in turn (rooms_cursor).
// With bounded concurrency; a set is rewritten only when it differs. Unbounded ("every failing
// one, every pass") would cost a homeserver with 300,000 dead destinations 300,000 requests
// every 5 minutes; the database source reads every room each pass instead.
import type pg from "pg";
import { mapLimit } from "../util/map-limit";
import { mergeRoomSets } from "./merge-rooms";
import { readState, saveCursors } from "./sync-state";
import type { UpstreamRoom, UpstreamSource } from "./types";

export type RoomsDeps = {
  pool: pg.Pool;
  source: UpstreamSource;
  roomsConcurrency: number;
  /** Room sets read per pass at most (changed ones included). */
  roomsPerPass: number;
  signal: AbortSignal;
};

export type RoomsRefresh = { problems: string[]; read: number };

/** Up to `n` destinations after `cursor` (wrapping round once), `where` applied, none of `skip`. */
async function inTurn(
  pool: pg.Pool,
  where: string,
  cursor: string | null,
  n: number,
  skip: Set<string>,
): Promise<string[]> {
  if (n <= 0) return [];
  const pick = async (after: string | null, before: string | null, limit: number) =>
    (
      await pool.query<{ destination: string }>(
        `SELECT destination FROM destinations WHERE ${where}
           AND ($1::text IS NULL OR destination > $1) AND ($2::text IS NULL OR destination <= $2)
         ORDER BY destination LIMIT $3`,
        [after, before, limit + skip.size],
      )
    ).rows
      .map((r) => r.destination)
      .filter((x) => !skip.has(x))
      .slice(0, limit);
  const first = await pick(cursor, null, n);
  if (first.length >= n || cursor === null) return first;
  return [...first, ...(await pick(null, cursor, n - first.length))];
}

export async function refreshRooms(
  d: RoomsDeps,
  changed: Iterable<string>,
  onBatch: (written: number, requests: number) => Promise<void>,
): Promise<RoomsRefresh> {
  const budget = Math.max(0, d.roomsPerPass);
  const names = [...new Set(changed)].slice(0, budget);
  const chosen = new Set(names);
  const state = await readState(d.pool);
  const failing = await inTurn(
    d.pool,
    "retry_last_ts > 0",
    state?.failingRoomsCursor ?? null,
    budget - names.length,
    chosen,
  );
  for (const f of failing) chosen.add(f);
  const others = await inTurn(
    d.pool,
    "true",
    state?.roomsCursor ?? null,
    budget - names.length - failing.length,
    chosen,
  );
  const order = [...names, ...failing, ...others];

  const problems: string[] = [];
  const sets = new Map<string, UpstreamRoom[]>();
  const flush = async () => {
    if (sets.size === 0) return;
    const batch = new Map(sets);
    sets.clear();
    const c = await d.pool.connect();
    try {
      await onBatch(await mergeRoomSets(c, batch), 0);
    } finally {
      c.release();
    }
  };
  await mapLimit(order, d.roomsConcurrency, async (name) => {
    if (d.signal.aborted) return;
    const r = await d.source.rooms(name, d.signal);
    await onBatch(0, 1);
    if ("missing" in r) return; // gone upstream since the page: the next clean pass removes it
    for (const p of r.problems) problems.push(`rooms of ${name}: ${p.message}`);
    // A set with refused rows is incomplete: keep what we have rather than drop rooms.
    if (r.problems.length === 0) sets.set(name, r.rooms);
    if (sets.size >= 500) await flush();
  });
  await flush();
  await saveCursors(d.pool, {
    ...(failing.length ? { failingRoomsCursor: failing[failing.length - 1] } : {}),
    ...(others.length ? { roomsCursor: others[others.length - 1] } : {}),
  });
  return { problems, read: order.length };
}
