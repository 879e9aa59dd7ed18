// GET /destinations/<d>/rooms with a large `limit`: listDestinationRooms' page, read through a
// cursor in batches from one snapshot (the count in the same snapshot), so memory stays one
// batch whatever the limit. Small limits keep listDestinationRooms.
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import { declareCursor, openSnapshot } from "../db/snapshot-cursor";
import type { ListRoomsQuery } from "./list-destination-rooms";
import { STREAM_BATCH_ROWS } from "./stream-destinations";
import type { PageStream, RoomRow } from "./types";

/** The caller has checked that the destination exists (Synapse checks before parameters). */
export async function streamDestinationRooms(
  pool: pg.Pool,
  actor: Principal,
  destination: string,
  q: ListRoomsQuery,
): Promise<PageStream<RoomRow>> {
  requireRole(actor, "viewer", "read destinations");
  const snap = await openSnapshot(pool);
  try {
    const count = await snap.tx.query<{ n: string }>(
      "SELECT count(*) AS n FROM destination_rooms WHERE destination = $1",
      [destination],
    );
    const total = BigInt(count.rows[0].n);
    if (q.limit === 0n || q.from >= total) return { total, next: async () => null, close: (e) => snap.end(e) };
    const rows = await declareCursor<{ room_id: string; stream_ordering: string }>(
      snap,
      `SELECT room_id, stream_ordering FROM destination_rooms WHERE destination = $1
       ORDER BY room_id ${q.dir === "b" ? "DESC" : "ASC"} OFFSET $2 LIMIT $3`,
      [destination, q.from.toString(), q.limit.toString()],
      STREAM_BATCH_ROWS,
    );
    return {
      total,
      next: async () =>
        (await rows.next())?.map((r) => ({ roomId: r.room_id, streamOrdering: BigInt(r.stream_ordering) })) ?? null,
      close: (e) => snap.end(e),
    };
  } catch (e) {
    await snap.end(e);
    throw e;
  }
}
