// Bulk import of destinations from JSON Lines (`fedctl destinations import FILE|-`).
//
// - Streams: the input is split into lines as it arrives; at most concurrency + 1 batches are
//   in memory (`concurrency` being written, each on its own connection, while the next is
//   parsed), so memory is bounded whatever the file size.
// - Each line is validated on its own (../jsonl-record.ts). A bad line is reported with its
//   1-based line number and nothing of it is written; the good lines around it are imported.
// - Per batch, in one transaction: COPY into TEMP staging tables, then
//     INSERT INTO destinations ... ON CONFLICT (destination) DO UPDATE   (the four Synapse columns)
//     DELETE the rooms of destinations whose line carries `rooms` that are not in that list
//     INSERT INTO destination_rooms ... ON CONFLICT (destination, room_id) DO UPDATE stream_ordering
//   Columns the scheduler owns (last attempt, last error, ...) are left untouched. When every
//   destination of a batch is new (a first import), its rooms cannot conflict with anything
//   and are COPYed straight into destination_rooms; with enough privileges that also skips
//   the redundant per-row trigger work (fast-path.ts).
// - Batches are written by `concurrency` connections at once (default 2); a batch that
//   shares a destination with one still being written waits for it.
// - Rooms: a line WITH a `rooms` array replaces that destination's room set by it (`[]`
//   clears it), so importing an export reproduces it exactly; a line WITHOUT `rooms` (or
//   `"rooms": null`) leaves the stored rooms alone.
// - The same destination twice in the input behaves as if the lines were applied one after
//   the other: the last line's timings win, and the last line that carries `rooms` decides
//   the room set. (Within a batch this is resolved before COPY, so one INSERT never touches
//   a row twice.)
// - Safe next to a running server: no table locks, short per-batch transactions that lock
//   rows in destination order, unchanged rows are not rewritten, and a batch that hits a
//   deadlock or serialization failure is retried.
// - Except for a first import into an EMPTY table (see bulk-load.ts): then the whole import is
//   one transaction that holds the table locked, the secondary indexes are dropped inside it
//   and built at the end (a sorted build instead of millions of random insertions). A crash
//   rolls all of it back, indexes included. `bulk: false` (fedctl --online) keeps batches.
import type pg from "pg";
import { parseRecord, RecordError, type DestinationRecord } from "../jsonl-record";
import { addRecord, newBatch, type Batch } from "./batch";
import { beginBulkLoad, finishBulkLoad, type BulkLoad } from "./bulk-load";
import { detectFastPath, type FastPath } from "./fast-path";
import { isBlank, splitLines } from "./split-lines";
import { type Counts, writeEntries } from "./write-batch";
import { Writers } from "./writers";

export type ImportError = { line: number; message: string };

export type ImportReport = {
  /** Lines read, blank ones included (= the number of the last line). */
  lines: number;
  /** Valid records written (a destination that appears twice counts twice). */
  imported: number;
  /** Room entries written (sum of the `rooms` arrays of the valid records). */
  rooms: number;
  /** Up to `maxErrors` bad lines (the first found), sorted by line. */
  errors: ImportError[];
  /** All bad lines, including those not kept in `errors`. */
  errorCount: number;
  /** Whether the first-import fast path was available (fast-path.ts); it is used while every batch is new. */
  fastPath: boolean;
  /** Whether the table was empty and loaded in one transaction, indexes built at the end (bulk-load.ts). */
  bulk: boolean;
  /** Bulk load only: time spent building the secondary indexes and analysing the tables, ms. */
  indexBuildMs?: number;
};

export type ImportOptions = {
  pool: pg.Pool;
  /** Valid lines per batch (one COPY + upsert transaction). Default 10,000. */
  batchSize?: number;
  /** A batch is also cut when it holds this many rooms. Default 100,000. */
  maxBatchRooms?: number;
  /** Called after each committed batch with the number of lines read so far. */
  onProgress?: (lines: number) => void;
  /** Errors kept in the report (all are counted). Default 1,000. */
  maxErrors?: number;
  /** Longer lines are reported as errors without being parsed. Default 64 MiB. */
  maxLineBytes?: number;
  /**
   * Batches written at the same time, each on its own pooled connection (capped by the
   * pool's max). Batches that share a destination are never written at the same time, so
   * the later line still wins. Default 2.
   */
  concurrency?: number;
  /** Allow the first-import fast path when the database permits it (fast-path.ts). Default true. */
  fastPath?: boolean;
  /**
   * Load an empty destinations table in one locked transaction with its secondary indexes
   * built at the end (bulk-load.ts). Readers of the table wait until the import commits.
   * Default true; false keeps per-batch transactions (the table stays readable).
   */
  bulk?: boolean;
  /** Called with a human-readable note when the import changes mode (bulk load, index build). */
  onNote?: (message: string) => void;
  /** Bulk load only: runs inside its transaction, on its connection, before the indexes are built. */
  beforeCommit?: (tx: pg.PoolClient) => Promise<void>;
};

export const DEFAULT_BATCH_SIZE = 10_000;
export const DEFAULT_CONCURRENCY = 2;

/** One item of an import: the record of line `line`, a bad line's error, or nothing (a blank line). */
export type ImportItem = { line: number; rec?: DestinationRecord } | { line: number; error: string };

/** JSON Lines in, split and validated line by line (bounded memory), imported. */
export async function importDestinations(input: NodeJS.ReadableStream, opts: ImportOptions): Promise<ImportReport> {
  const maxLineBytes = opts.maxLineBytes ?? 64 * 1024 * 1024;
  return importRecords(linesToRecords(input, maxLineBytes), opts);
}

async function* linesToRecords(input: NodeJS.ReadableStream, maxLineBytes: number): AsyncGenerator<ImportItem> {
  let lineNo = 0;
  for await (const item of splitLines(input, maxLineBytes)) {
    lineNo++;
    if (item === null) {
      yield { line: lineNo, error: `line is longer than ${maxLineBytes} bytes` };
      continue;
    }
    let line = item;
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1); // BOM
    if (isBlank(line)) {
      yield { line: lineNo };
      continue;
    }
    try {
      yield { line: lineNo, rec: parseRecord(line) };
    } catch (e) {
      if (!(e instanceof RecordError)) throw e;
      yield { line: lineNo, error: e.message };
    }
  }
}

/**
 * Records in (already validated: the mirror's first pass feeds the homeserver's pages here),
 * imported with every guarantee of the file's head — bulk load into an empty table, fast path,
 * batches, the later record winning.
 */
export async function importRecords(items: AsyncIterable<ImportItem>, opts: ImportOptions): Promise<ImportReport> {
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH_SIZE);
  const maxBatchRooms = Math.max(1, opts.maxBatchRooms ?? 100_000);
  const maxErrors = opts.maxErrors ?? 1000;
  const report: ImportReport = {
    lines: 0,
    imported: 0,
    rooms: 0,
    errors: [],
    errorCount: 0,
    fastPath: false,
    bulk: false,
  };

  const addError = (line: number, message: string) => {
    report.errorCount++;
    if (report.errors.length < maxErrors) report.errors.push({ line, message });
  };

  // Lines the database itself rejects (e.g. a constraint or index expression of a newer
  // migration) are isolated by splitting the batch, and reported like invalid lines.
  const counts: Counts = {
    imported: 0,
    rooms: 0,
    reject: (line, message) => addError(line, `rejected by the database: ${message}`),
  };

  const poolMax = (opts.pool as unknown as { options?: { max?: number } }).options?.max ?? 10;
  let concurrency = Math.max(1, Math.min(opts.concurrency ?? DEFAULT_CONCURRENCY, poolMax));
  const writers = new Writers();
  let broken: Error | undefined;
  // The bulk load's transaction spans the whole import (bulk-load.ts), so it is opened and
  // committed explicitly; on failure `writers.close` discards its connection, rolling it back.
  let bulk: BulkLoad | null = null;
  try {
    const first = await writers.add(opts.pool);
    if (opts.bulk !== false) {
      // One transaction on one connection: other writers would only wait for its lock.
      bulk = await beginBulkLoad(first);
      if (bulk) {
        concurrency = 1;
        report.bulk = true;
        opts.onNote?.(
          `destinations is empty: loading in one transaction, ${bulk.indexes.length} indexes built at the end ` +
            `(readers of the table wait until the import ends; --online to avoid that)`,
        );
      }
    }
    for (let i = 1; i < concurrency; i++) await writers.add(opts.pool);
    const fast: FastPath = {
      kind: opts.fastPath === false ? "off" : await detectFastPath(first),
      tryFresh: true,
    };
    report.fastPath = fast.kind !== "off";

    const progress = new InOrderProgress(opts.onProgress);
    let nextSeq = 0;
    let batch: Batch = newBatch();
    const cut = async () => {
      const b = batch;
      batch = newBatch();
      const seq = nextSeq++;
      await writers.start(b, async (client) => {
        await writeEntries(client, [...b.byDest.values()], counts, fast, bulk);
        progress.committed(seq, b.linesRead);
      });
    };

    let lineNo = 0;
    for await (const item of items) {
      lineNo = item.line;
      report.lines = lineNo;
      if ("error" in item) {
        addError(lineNo, item.error);
        continue;
      }
      if (!item.rec) continue;
      addRecord(batch, item.rec, lineNo);
      if (batch.byDest.size >= batchSize || batch.roomCount >= maxBatchRooms) await cut();
    }
    batch.linesRead = lineNo;
    if (batch.byDest.size > 0) await cut();
    await writers.drain();
    if (bulk) {
      await opts.beforeCommit?.(first);
      opts.onNote?.(`building ${bulk.indexes.length} indexes`);
      const t = Date.now();
      await finishBulkLoad(first, bulk);
      report.indexBuildMs = Date.now() - t;
      opts.onNote?.(
        `built ${bulk.indexes.length} indexes, committed and vacuumed in ${(report.indexBuildMs / 1000).toFixed(1)} s`,
      );
    }
    if (lineNo > progress.reported) opts.onProgress?.(lineNo); // trailing blank or bad lines
    report.imported = counts.imported;
    report.rooms = counts.rooms;
    report.errors.sort((a, b) => a.line - b.line);
    return report;
  } catch (e) {
    broken = e as Error;
    throw e;
  } finally {
    await writers.close(broken);
  }
}

/** Progress in input order: reported after batch k and all batches before it committed. */
class InOrderProgress {
  /** Lines read up to the end of the last batch reported. */
  reported = 0;
  private next = 0;
  private readonly done = new Map<number, number>(); // seq -> lines read up to the end of that batch

  constructor(private readonly onProgress: ((lines: number) => void) | undefined) {}

  committed(seq: number, linesRead: number): void {
    this.done.set(seq, linesRead);
    while (this.done.has(this.next)) {
      const n = this.done.get(this.next)!;
      this.done.delete(this.next++);
      this.reported = n;
      this.onProgress?.(n);
    }
  }
}
