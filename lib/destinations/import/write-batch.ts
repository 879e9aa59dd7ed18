// Writing one batch: COPY into the staging tables, then upsert from them, in one transaction
// (a savepoint inside a bulk load's transaction), so a failed batch is undone alone. Deadlocks
// and serialization failures are retried; lines the database rejects are isolated and reported.
import type pg from "pg";
import { inTransaction, withSavepoint } from "@/lib/db/transaction";
import type { Pending } from "./batch";
import {
  COPY_ROOMS_DIRECT,
  COPY_STAGE_DEST,
  COPY_STAGE_ROOMS,
  DELETE_REPLACED_ROOMS,
  EMPTY_STAGING,
  UPSERT_DESTINATIONS,
  UPSERT_ROOMS,
} from "./batch-sql";
import { copyIn, copyText } from "@/lib/db/copy-in";
import { type BulkLoad, restoreRoomsKey } from "./bulk-load";
import { type FastPath, writeFresh } from "./fast-path";

/** Where a batch's outcome is counted: written lines and rooms, and lines the database refused. */
export type Counts = { imported: number; rooms: number; reject: (line: number, message: string) => void };

const RETRYABLE = new Set(["40001", "40P01"]); // serialization failure, deadlock

function sqlState(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" ? code : "";
}

/**
 * Writes entries in one transaction, retrying deadlocks. If the database rejects the data
 * (SQLSTATE class 22 data exception or 23 integrity violation), the entries are split in
 * halves until the offending ones are isolated and reported; the others are written.
 * `bulk`: inside the bulk load's open transaction (null: a transaction per batch).
 */
export async function writeEntries(
  client: pg.PoolClient,
  entries: Pending[],
  counts: Counts,
  fast: FastPath,
  bulk: BulkLoad | null,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await writeBatch(client, entries, fast, bulk);
      for (const e of entries) {
        counts.imported += e.lineCount;
        counts.rooms += e.roomsInLines;
      }
      return;
    } catch (e) {
      const code = sqlState(e);
      if (RETRYABLE.has(code) && attempt < 5) {
        await new Promise((r) => setTimeout(r, 50 * attempt));
        continue;
      }
      if (code.startsWith("22") || code.startsWith("23")) {
        if (entries.length === 1) {
          counts.reject(entries[0].line, (e as Error).message);
          return;
        }
        const mid = entries.length >> 1;
        await writeEntries(client, entries.slice(0, mid), counts, fast, bulk);
        await writeEntries(client, entries.slice(mid), counts, fast, bulk);
        return;
      }
      throw e;
    }
  }
}

/** One batch as a transaction, or (bulk) as a savepoint of the bulk load's open one. */
async function writeBatch(
  client: pg.PoolClient,
  entries: Pending[],
  fast: FastPath,
  bulk: BulkLoad | null,
): Promise<void> {
  let keyAdded = false;
  const { destLines, roomLines, anyRooms } = encode(entries);
  const body = async () => {
    await copyIn(client, COPY_STAGE_DEST, destLines);
    if (fast.kind !== "off" && fast.tryFresh && (await writeFresh(client, fast, entries.length, roomLines))) return;
    // xmax = 0 marks a freshly inserted row.
    const up = await client.query<{ inserted: number }>(
      `WITH up AS (${UPSERT_DESTINATIONS} RETURNING (xmax = 0) AS ins) SELECT count(*) FILTER (WHERE ins)::int AS inserted FROM up`,
    );
    if (!anyRooms) return;
    if (up.rows[0].inserted === entries.length) {
      // Every destination of the batch is new, so none has rooms yet and this batch's room
      // ids are distinct per destination: COPY straight into the table (the common bulk case).
      if (roomLines.length) await copyIn(client, COPY_ROOMS_DIRECT, roomLines);
    } else {
      // The upsert below needs the rooms' primary key, which a bulk load drops (bulk-load.ts).
      if (bulk?.roomsKey && !bulk.roomsKey.inPlace) {
        await restoreRoomsKey(client, bulk);
        keyAdded = true;
      }
      if (roomLines.length) await copyIn(client, COPY_STAGE_ROOMS, roomLines);
      await client.query(DELETE_REPLACED_ROOMS);
      if (roomLines.length) await client.query(UPSERT_ROOMS);
    }
  };
  if (!bulk) return inTransaction(client, body);
  await withSavepoint(client, "fc_batch", async () => {
    await client.query(EMPTY_STAGING);
    await body();
  });
  // Released: the key added in it stays (had the savepoint rolled back, so would the key).
  if (keyAdded && bulk.roomsKey) bulk.roomsKey.inPlace = true;
}

/** The batch in COPY text format: one staging row per destination, one per room. */
function encode(entries: Pending[]): { destLines: string[]; roomLines: string[]; anyRooms: boolean } {
  const destLines: string[] = new Array(entries.length);
  const roomLines: string[] = [];
  let anyRooms = false;
  for (let i = 0; i < entries.length; i++) {
    const { rec, rooms } = entries[i];
    const d = copyText(rec.destination);
    destLines[i] =
      `${d}\t${rec.retryLastTs}\t${rec.retryInterval}\t${rec.failureTs ?? "\\N"}\t${rec.lastSuccessfulStreamOrdering ?? "\\N"}\t${rooms ? "t" : "f"}\t${rooms ? rooms.length : 0}\n`;
    if (rooms) {
      anyRooms = true;
      for (const r of rooms) roomLines.push(`${d}\t${copyText(r.roomId)}\t${r.streamOrdering}\n`);
    }
  }
  return { destLines, roomLines, anyRooms };
}
