// A batch of the import: its valid lines merged per destination, so one INSERT never touches a
// row twice, as if the lines were applied one after the other.
import type { DestinationRecord } from "../jsonl-record";
import type { RoomRow } from "../types";

export type Pending = {
  rec: DestinationRecord;
  /** From the last line for this destination that carried `rooms` (undefined: none did). */
  rooms: RoomRow[] | undefined;
  /** The last line for this destination in the batch (reported if the database rejects it). */
  line: number;
  /** Lines merged into this entry and the rooms they carried (for the report). */
  lineCount: number;
  roomsInLines: number;
};

export type Batch = {
  byDest: Map<string, Pending>;
  /** Rooms the batch will write (a batch is also cut on this). */
  roomCount: number;
  /** Lines read up to the end of this batch (for progress). */
  linesRead: number;
};

export function newBatch(): Batch {
  return { byDest: new Map(), roomCount: 0, linesRead: 0 };
}

/**
 * Adds line `line`'s record: the last line's timings win, and the last line that carries
 * `rooms` decides the room set.
 */
export function addRecord(batch: Batch, rec: DestinationRecord, line: number): void {
  const prev = batch.byDest.get(rec.destination);
  if (rec.rooms !== undefined) {
    batch.roomCount += rec.rooms.length;
    if (prev?.rooms) batch.roomCount -= prev.rooms.length;
  }
  batch.byDest.set(rec.destination, {
    rec,
    rooms: rec.rooms ?? prev?.rooms,
    line,
    lineCount: (prev?.lineCount ?? 0) + 1,
    roomsInLines: (prev?.roomsInLines ?? 0) + (rec.rooms?.length ?? 0),
  });
  batch.linesRead = line;
}

/** Whether the two batches share a destination (then the later must wait for the earlier). */
export function overlaps(a: Batch, b: Batch): boolean {
  const [small, large] = a.byDest.size <= b.byDest.size ? [a, b] : [b, a];
  for (const d of small.byDest.keys()) if (large.byDest.has(d)) return true;
  return false;
}
