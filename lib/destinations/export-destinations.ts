// Export of all destinations as JSON Lines (`fedctl destinations export`), the format that
// importDestinations reads: importing the output into an empty database reproduces it exactly.
//
// Destinations come in `destination` order (byte order, the column's "C" collation), by
// keyset pages inside one REPEATABLE READ READ ONLY transaction, so the output is a
// consistent snapshot even while a server keeps writing. The next page is fetched while the
// current one is written, and writing waits for 'drain' (backpressure), so memory stays
// bounded by a page.
import { recordAudit } from "../audit/record-audit";
import { type Principal, requireRole } from "../auth/principal";
import type pg from "pg";
import { withTransaction } from "../db/transaction";
import { formatRecord } from "./jsonl-record";
import type { RoomRow } from "./types";

export type ExportOptions = {
  pool: pg.Pool;
  /** Include each destination's rooms as a `rooms` array (ordered by room_id). Default true. */
  withRooms?: boolean;
  /** Destinations per page. Default 5,000. */
  pageSize?: number;
  /**
   * Who exports: the export is then audited (destinations.export, with the snapshot's row
   * count) before the first line, like the console's and the API's exports.
   */
  actor?: Principal;
  /** Destinations written so far of the snapshot's total, after each page. */
  onProgress?: (written: number, total: number) => void;
};

export type ExportResult = { destinations: number; rooms: number };

type DestRow = {
  destination: string;
  retry_last_ts: string;
  retry_interval: string;
  failure_ts: string | null;
  last_successful_stream_ordering: string | null;
};
type RoomSqlRow = { destination: string; room_id: string; stream_ordering: string };
type Page = { dests: DestRow[]; rooms: RoomSqlRow[] };

// int8 as ::text so a global pg type parser (e.g. to Number) cannot alter the digits.
const PAGE_SQL = `
  SELECT destination, retry_last_ts::text AS retry_last_ts, retry_interval::text AS retry_interval,
         failure_ts::text AS failure_ts, last_successful_stream_ordering::text AS last_successful_stream_ordering
  FROM destinations
  WHERE $1::text IS NULL OR destination > $1::text COLLATE "C"
  ORDER BY destination
  LIMIT $2`;

const ROOMS_SQL = `
  SELECT destination, room_id, stream_ordering::text AS stream_ordering
  FROM destination_rooms
  WHERE destination >= $1::text COLLATE "C" AND destination <= $2::text COLLATE "C"
  ORDER BY destination, room_id`;

export async function exportDestinations(output: NodeJS.WritableStream, opts: ExportOptions): Promise<ExportResult> {
  const withRooms = opts.withRooms ?? true;
  const pageSize = Math.max(1, opts.pageSize ?? 5000);
  const result: ExportResult = { destinations: 0, rooms: 0 };

  // An output error (EPIPE, disk full) must end the export, also while waiting for 'drain'.
  let outputError: Error | undefined;
  let wake: (() => void) | undefined;
  const onError = (e: Error) => {
    outputError = e;
    wake?.();
  };
  const onDrain = () => wake?.();
  const onClose = () => onError(outputError ?? new Error("output closed before the export finished"));
  output.on("error", onError);
  output.on("drain", onDrain);
  output.on("close", onClose);
  const write = async (s: string) => {
    if (outputError) throw outputError;
    if (!output.write(s)) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
      if (outputError) throw outputError;
    }
  };

  try {
    return await withTransaction(
      opts.pool,
      async (client) => {
        let total = 0;
        if (opts.actor || opts.onProgress) {
          total = (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM destinations")).rows[0].n;
        }
        if (opts.actor) {
          requireRole(opts.actor, "viewer", "export destinations");
          await recordAudit(opts.pool, opts.actor, {
            action: "destinations.export",
            detail: { format: "jsonl", search: null, status: null, rows: total, rooms: withRooms },
          });
        }
        const fetchPage = async (after: string | null): Promise<Page> => {
          const d = await client.query<DestRow>(PAGE_SQL, [after, pageSize]);
          if (!withRooms || d.rows.length === 0) return { dests: d.rows, rooms: [] };
          const r = await client.query<RoomSqlRow>(ROOMS_SQL, [
            d.rows[0].destination,
            d.rows[d.rows.length - 1].destination,
          ]);
          return { dests: d.rows, rooms: r.rows };
        };
        let next: Promise<Page> | undefined = fetchPage(null);
        while (next) {
          const page: Page = await next;
          next = undefined;
          if (page.dests.length === pageSize) {
            next = fetchPage(page.dests[page.dests.length - 1].destination);
            next.catch(() => {}); // awaited on the next turn
          }
          await write(formatPage(page, withRooms));
          result.destinations += page.dests.length;
          result.rooms += page.rooms.length;
          opts.onProgress?.(result.destinations, total);
        }
        return result;
      },
      { mode: "ISOLATION LEVEL REPEATABLE READ READ ONLY" },
    );
  } finally {
    output.off("error", onError);
    output.off("drain", onDrain);
    output.off("close", onClose);
  }
}

function formatPage(page: Page, withRooms: boolean): string {
  const out: string[] = [];
  let ri = 0;
  for (const d of page.dests) {
    let rooms: RoomRow[] | undefined;
    if (withRooms) {
      rooms = [];
      // Both lists are sorted by destination (C collation); JS `<` on strings is UTF-16 order,
      // so match by equality only and let the SQL order drive the walk.
      while (ri < page.rooms.length && page.rooms[ri].destination === d.destination) {
        const r = page.rooms[ri++];
        rooms.push({ roomId: r.room_id, streamOrdering: BigInt(r.stream_ordering) });
      }
    }
    out.push(
      formatRecord(
        {
          destination: d.destination,
          retryLastTs: BigInt(d.retry_last_ts),
          retryInterval: BigInt(d.retry_interval),
          failureTs: d.failure_ts === null ? null : BigInt(d.failure_ts),
          lastSuccessfulStreamOrdering:
            d.last_successful_stream_ordering === null ? null : BigInt(d.last_successful_stream_ordering),
        },
        rooms,
      ),
      "\n",
    );
  }
  return out.join("");
}
