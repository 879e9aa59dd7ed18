// Replaces destinations' room sets by the upstream's, writing only the difference: the stored
// rooms of those destinations are read (one index range per destination), compared here, and
// only rooms that went, came or changed their stream ordering are written. An unchanged set
// costs one read and no write.
import type pg from "pg";
import { inTransaction, type Queryable, type Tx } from "../db/transaction";
import { IN_NAMES } from "../destinations/name-list";
import { SYNC_COMMIT_OFF } from "./sync-commit";
import type { UpstreamRoom } from "./types";

export type RoomChanges = {
  /** Rooms to delete, as parallel arrays (destination, room_id). */
  gone: { destinations: string[]; roomIds: string[] };
  /** Rooms to insert or update. */
  upsert: { destinations: string[]; roomIds: string[]; orderings: string[] };
};

const key = (d: string, r: string) => `${d}\u0000${r}`;

/** Reads the stored rooms of `sets`' destinations and says what must change. */
export async function diffRoomSets(q: Queryable, sets: Map<string, UpstreamRoom[]>): Promise<RoomChanges> {
  const changes: RoomChanges = {
    gone: { destinations: [], roomIds: [] },
    upsert: { destinations: [], roomIds: [], orderings: [] },
  };
  if (sets.size === 0) return changes;
  const stored = await q.query<{ destination: string; room_id: string; so: string }>(
    `SELECT destination, room_id, stream_ordering::text AS so FROM destination_rooms WHERE ${IN_NAMES("$1")}`,
    [[...sets.keys()]],
  );
  const have = new Map<string, string>();
  for (const r of stored.rows) have.set(key(r.destination, r.room_id), r.so);
  const want = new Set<string>();
  for (const [d, list] of sets) {
    for (const r of list) {
      const k = key(d, r.roomId);
      if (want.has(k)) continue; // a room listed twice counts once (the first)
      want.add(k);
      const so = r.streamOrdering.toString();
      if (have.get(k) === so) continue;
      changes.upsert.destinations.push(d);
      changes.upsert.roomIds.push(r.roomId);
      changes.upsert.orderings.push(so);
    }
  }
  for (const r of stored.rows) {
    if (want.has(key(r.destination, r.room_id))) continue;
    changes.gone.destinations.push(r.destination);
    changes.gone.roomIds.push(r.room_id);
  }
  return changes;
}

export const roomWrites = (c: RoomChanges) => c.gone.destinations.length + c.upsert.destinations.length;

/** Writes what diffRoomSets found, inside `tx`. Returns rows written. */
export async function applyRoomChanges(tx: Tx, c: RoomChanges): Promise<number> {
  let written = 0;
  if (c.gone.destinations.length) {
    const r = await tx.query(
      `DELETE FROM destination_rooms WHERE (destination, room_id) IN
         (SELECT d COLLATE "C", r COLLATE "C" FROM unnest($1::text[], $2::text[]) AS u(d, r))`,
      [c.gone.destinations, c.gone.roomIds],
    );
    written += r.rowCount ?? 0;
  }
  if (c.upsert.destinations.length) {
    // Only for destinations we have (a room set of one removed meanwhile is ignored).
    const r = await tx.query(
      `INSERT INTO destination_rooms AS r (destination, room_id, stream_ordering)
       SELECT u.d, u.r, u.so FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(d, r, so)
       JOIN destinations x ON x.destination = u.d COLLATE "C"
       ORDER BY 1, 2
       ON CONFLICT (destination, room_id) DO UPDATE SET stream_ordering = EXCLUDED.stream_ordering
       WHERE r.stream_ordering IS DISTINCT FROM EXCLUDED.stream_ordering`,
      [c.upsert.destinations, c.upsert.roomIds, c.upsert.orderings],
    );
    written += r.rowCount ?? 0;
  }
  return written;
}

/**
 * Makes the rooms of each destination in `sets` exactly its list (destinations we do not have
 * are ignored); a transaction only when something differs. Returns rows written.
 */
export async function mergeRoomSets(c: pg.PoolClient, sets: Map<string, UpstreamRoom[]>): Promise<number> {
  const changes = await diffRoomSets(c, sets);
  if (roomWrites(changes) === 0) return 0;
  return inTransaction(c, async (tx) => {
    await tx.query(SYNC_COMMIT_OFF);
    return applyRoomChanges(tx, changes);
  });
}
