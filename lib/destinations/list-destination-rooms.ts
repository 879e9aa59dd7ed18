// GET /destinations/<d>/rooms: the rooms we share with a destination, by room_id.
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import type { Direction } from "../http/params";
import { nextToken } from "./paging";
import type { Page, RoomRow } from "./types";

export type ListRoomsQuery = { from: bigint; limit: bigint; dir: Direction };

/** The caller has checked that the destination exists (Synapse checks before parameters). */
export async function listDestinationRooms(
  pool: pg.Pool,
  actor: Principal,
  destination: string,
  q: ListRoomsQuery,
): Promise<Page<RoomRow>> {
  requireRole(actor, "viewer", "read destinations");
  const [rows, count] = await Promise.all([
    pool.query<{ room_id: string; stream_ordering: string }>(
      `SELECT room_id, stream_ordering FROM destination_rooms WHERE destination = $1
       ORDER BY room_id ${q.dir === "b" ? "DESC" : "ASC"} LIMIT $2 OFFSET $3`,
      [destination, q.limit.toString(), q.from.toString()],
    ),
    pool.query<{ n: string }>("SELECT count(*) AS n FROM destination_rooms WHERE destination = $1", [destination]),
  ]);
  const total = BigInt(count.rows[0].n);
  return {
    items: rows.rows.map((r) => ({ roomId: r.room_id, streamOrdering: BigInt(r.stream_ordering) })),
    total,
    nextToken: nextToken(q.from, q.limit, rows.rows.length, total),
  };
}
