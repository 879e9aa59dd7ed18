// Bulk import of destinations from JSON Lines (`fedctl destinations import FILE|-`).
//
// - Streams: the input is split into lines as it arrives; at most concurrency + 1 batches are
//   in memory (`concurrency` being written, each on its own connection, while the next is
//   parsed), so memory is bounded whatever the file size.
// - Each line is validated on its own (jsonl-record.ts). A bad line is reported with its
//   1-based line number and nothing of it is written; the good lines around it are imported.
// - Per batch, in one transaction: COPY into TEMP staging tables, then
//     INSERT INTO destinations ... ON CONFLICT (destination) DO UPDATE   (the four Synapse columns)
//     DELETE the rooms of destinations whose line carries `rooms` that are not in that list
//     INSERT INTO destination_rooms ... ON CONFLICT (destination, room_id) DO UPDATE stream_ordering
//   Columns the scheduler owns (last attempt, last error, ...) are left untouched. When every
//   destination of a batch is new (a first import), its rooms cannot conflict with anything
//   and are COPYed straight into destination_rooms; with enough privileges that also skips
//   the redundant per-row trigger work (see FastPath).
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
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import copyStreams from "pg-copy-streams";
import { parseRecord, RecordError, type DestinationRecord } from "./jsonl-record";
import { beginBulkLoad, finishBulkLoad, type BulkLoad } from "./bulk-load";
import type { RoomRow } from "./types";

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
  /** Whether the first-import fast path was available (see FastPath); it is used while every batch is new. */
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
  /** Allow the first-import fast path when the database permits it (see FastPath). Default true. */
  fastPath?: boolean;
  /**
   * Load an empty destinations table in one locked transaction with its secondary indexes
   * built at the end (bulk-load.ts). Readers of the table wait until the import commits.
   * Default true; false keeps per-batch transactions (the table stays readable).
   */
  bulk?: boolean;
  /** Called with a human-readable note when the import changes mode (bulk load, index build). */
  onNote?: (message: string) => void;
};

export const DEFAULT_BATCH_SIZE = 10_000;
export const DEFAULT_CONCURRENCY = 2;

type Pending = {
  rec: DestinationRecord;
  /** From the last line for this destination that carried `rooms` (undefined: none did). */
  rooms: RoomRow[] | undefined;
  /** The last line for this destination in the batch (reported if the database rejects it). */
  line: number;
  /** Lines merged into this entry and the rooms they carried (for the report). */
  lineCount: number;
  roomsInLines: number;
};

type Batch = { byDest: Map<string, Pending>; roomCount: number; linesRead: number };

type Counts = { imported: number; rooms: number; reject: (line: number, message: string) => void };

const STAGE_DEST = "fc_import_destinations";
const STAGE_ROOMS = "fc_import_destination_rooms";

export async function importDestinations(input: NodeJS.ReadableStream, opts: ImportOptions): Promise<ImportReport> {
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH_SIZE);
  const maxBatchRooms = Math.max(1, opts.maxBatchRooms ?? 100_000);
  const maxErrors = opts.maxErrors ?? 1000;
  const maxLineBytes = opts.maxLineBytes ?? 64 * 1024 * 1024;
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

  // Writers: each has its own connection (and its own TEMP staging tables) and writes one
  // batch at a time; the main loop parses the next batch meanwhile.
  const poolMax = (opts.pool as unknown as { options?: { max?: number } }).options?.max ?? 10;
  let concurrency = Math.max(1, Math.min(opts.concurrency ?? DEFAULT_CONCURRENCY, poolMax));
  const writers: Writer[] = [];
  let broken: Error | undefined;
  let bulk: BulkLoad | null = null;
  try {
    for (let i = 0; i < concurrency; i++) {
      const w: Writer = { client: await opts.pool.connect(), busy: null, batch: null };
      writers.push(w);
      // JIT compilation costs more than it saves on these per-batch statements.
      await w.client.query("SET jit = off");
      await createStaging(w.client);
      if (i === 0 && opts.bulk !== false) {
        // One transaction on one connection: the other writers would only wait for its lock.
        bulk = await beginBulkLoad(w.client);
        if (bulk) {
          concurrency = 1;
          report.bulk = true;
          opts.onNote?.(
            `destinations is empty: loading in one transaction, ${bulk.indexes.length} indexes built at the end ` +
              `(readers of the table wait until the import ends; --online to avoid that)`,
          );
        }
      }
    }
    const fast: FastPath = {
      kind: opts.fastPath === false ? "off" : await detectFastPath(writers[0].client),
      tryFresh: true,
    };
    report.fastPath = fast.kind !== "off";

    // Progress is reported in input order: after batch k and all batches before it committed.
    let nextSeq = 0;
    let reportedSeq = 0;
    let lastReported = 0;
    const committed = new Map<number, number>(); // seq -> lines read up to the end of that batch
    const onCommitted = (seq: number, linesRead: number) => {
      committed.set(seq, linesRead);
      while (committed.has(reportedSeq)) {
        const n = committed.get(reportedSeq)!;
        committed.delete(reportedSeq++);
        lastReported = n;
        opts.onProgress?.(n);
      }
    };

    let batch: Batch = newBatch();
    const cut = async () => {
      const b = batch;
      batch = newBatch();
      // A destination still being written by an earlier batch must be written after it
      // (the later line wins): wait for such batches first.
      for (const w of writers) {
        if (w.busy && w.batch && overlaps(b, w.batch)) await w.busy;
      }
      let free = writers.find((w) => !w.busy);
      while (!free) {
        await Promise.race(writers.map((w) => w.busy));
        free = writers.find((w) => !w.busy);
      }
      const w = free;
      const seq = nextSeq++;
      const done = writeEntries(w.client, [...b.byDest.values()], counts, fast, bulk !== null).then(() =>
        onCommitted(seq, b.linesRead),
      );
      w.batch = b;
      w.busy = done.finally(() => {
        w.busy = null;
        w.batch = null;
      });
      w.busy.catch(() => {}); // observed when awaited; avoid an unhandled rejection meanwhile
    };

    let lineNo = 0;
    for await (const item of splitLines(input, maxLineBytes)) {
      lineNo++;
      report.lines = lineNo;
      if (item === null) {
        addError(lineNo, `line is longer than ${maxLineBytes} bytes`);
        continue;
      }
      let line = item;
      if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1); // BOM
      if (isBlank(line)) continue;
      let rec: DestinationRecord;
      try {
        rec = parseRecord(line);
      } catch (e) {
        if (!(e instanceof RecordError)) throw e;
        addError(lineNo, e.message);
        continue;
      }
      const prev = batch.byDest.get(rec.destination);
      if (rec.rooms !== undefined) {
        batch.roomCount += rec.rooms.length;
        if (prev?.rooms) batch.roomCount -= prev.rooms.length;
      }
      batch.byDest.set(rec.destination, {
        rec,
        rooms: rec.rooms ?? prev?.rooms,
        line: lineNo,
        lineCount: (prev?.lineCount ?? 0) + 1,
        roomsInLines: (prev?.roomsInLines ?? 0) + (rec.rooms?.length ?? 0),
      });
      batch.linesRead = lineNo;
      if (batch.byDest.size >= batchSize || batch.roomCount >= maxBatchRooms) await cut();
    }
    batch.linesRead = lineNo;
    if (batch.byDest.size > 0) await cut();
    for (const w of writers) if (w.busy) await w.busy;
    if (bulk) {
      opts.onNote?.(`building ${bulk.indexes.length} indexes`);
      const t = Date.now();
      await finishBulkLoad(writers[0].client, bulk);
      report.indexBuildMs = Date.now() - t;
      opts.onNote?.(
        `built ${bulk.indexes.length} indexes, committed and vacuumed in ${(report.indexBuildMs / 1000).toFixed(1)} s`,
      );
    }
    if (lineNo > lastReported) opts.onProgress?.(lineNo); // trailing blank or bad lines
    report.imported = counts.imported;
    report.rooms = counts.rooms;
    report.errors.sort((a, b) => a.line - b.line);
    return report;
  } catch (e) {
    broken = e as Error;
    throw e;
  } finally {
    // Let every running batch end (commit or roll back) before giving the connections back.
    await Promise.allSettled(writers.map((w) => w.busy));
    for (const w of writers) {
      if (broken) {
        // The session may be mid-transaction or mid-COPY: throw it away with its temp tables.
        w.client.release(broken);
        continue;
      }
      try {
        await w.client.query(`DROP TABLE IF EXISTS pg_temp.${STAGE_DEST}, pg_temp.${STAGE_ROOMS}; RESET jit`);
        w.client.release();
      } catch (e) {
        w.client.release(e as Error);
      }
    }
  }
}

type Writer = { client: pg.PoolClient; busy: Promise<void> | null; batch: Batch | null };

function overlaps(a: Batch, b: Batch): boolean {
  const [small, large] = a.byDest.size <= b.byDest.size ? [a, b] : [b, a];
  for (const d of small.byDest.keys()) if (large.byDest.has(d)) return true;
  return false;
}

function newBatch(): Batch {
  return { byDest: new Map(), roomCount: 0, linesRead: 0 };
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Line splitting with bounded memory: yields each line as a string (without "\n"; a trailing
// "\r" is stripped by the record parser's whitespace rule), or null for a line longer than
// maxLineBytes (its bytes are skipped, not buffered).

export async function* splitLines(input: NodeJS.ReadableStream, maxLineBytes: number): AsyncGenerator<string | null> {
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let tooLong = false;
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf(10, pos);
      if (nl === -1) {
        if (!tooLong && pos < buf.length) {
          carryBytes += buf.length - pos;
          if (carryBytes > maxLineBytes) {
            tooLong = true;
            carry = [];
            carryBytes = 0;
          } else carry.push(buf.subarray(pos));
        }
        break;
      }
      if (tooLong) {
        tooLong = false;
        yield null;
      } else if (carry.length === 0) {
        if (nl - pos > maxLineBytes) yield null;
        else yield buf.toString("utf8", pos, nl);
      } else {
        carryBytes += nl - pos;
        if (carryBytes > maxLineBytes) yield null;
        else {
          carry.push(buf.subarray(pos, nl));
          yield Buffer.concat(carry).toString("utf8");
        }
        carry = [];
        carryBytes = 0;
      }
      pos = nl + 1;
    }
  }
  if (tooLong) yield null;
  else if (carry.length) yield Buffer.concat(carry).toString("utf8");
}

// ---------------------------------------------------------------------------------------------
// Database side.

async function createStaging(client: pg.PoolClient): Promise<void> {
  // ON COMMIT DELETE ROWS: every batch transaction starts with empty staging tables.
  await client.query(`DROP TABLE IF EXISTS pg_temp.${STAGE_DEST}, pg_temp.${STAGE_ROOMS}`);
  await client.query(`CREATE TEMP TABLE ${STAGE_DEST} (
      destination text COLLATE "C" NOT NULL,
      retry_last_ts bigint NOT NULL,
      retry_interval bigint NOT NULL,
      failure_ts bigint,
      last_successful_stream_ordering bigint,
      has_rooms boolean NOT NULL,
      room_count integer NOT NULL
    ) ON COMMIT DELETE ROWS`);
  await client.query(`CREATE TEMP TABLE ${STAGE_ROOMS} (
      destination text COLLATE "C" NOT NULL,
      room_id text COLLATE "C" NOT NULL,
      stream_ordering bigint NOT NULL
    ) ON COMMIT DELETE ROWS`);
}

const UPSERT_DESTINATIONS = `
  INSERT INTO destinations AS d (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering)
  SELECT destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering
  FROM ${STAGE_DEST} ORDER BY destination
  ON CONFLICT (destination) DO UPDATE SET
    retry_last_ts = EXCLUDED.retry_last_ts,
    retry_interval = EXCLUDED.retry_interval,
    failure_ts = EXCLUDED.failure_ts,
    last_successful_stream_ordering = EXCLUDED.last_successful_stream_ordering
  WHERE (d.retry_last_ts, d.retry_interval, d.failure_ts, d.last_successful_stream_ordering)
    IS DISTINCT FROM
    (EXCLUDED.retry_last_ts, EXCLUDED.retry_interval, EXCLUDED.failure_ts, EXCLUDED.last_successful_stream_ordering)`;

// Rooms of the batch's rooms-carrying destinations that are not in their new room set. The
// per-destination index probe is forced (LATERAL, one probe per staged destination) and rows
// are deleted by ctid: a plan that scans all of destination_rooms per batch would make a
// large import quadratic.
const DELETE_REPLACED_ROOMS = `
  DELETE FROM destination_rooms
  WHERE ctid = ANY (ARRAY(
    SELECT x.ctid
    FROM ${STAGE_DEST} s
    CROSS JOIN LATERAL (SELECT r.ctid, r.room_id FROM destination_rooms r WHERE r.destination = s.destination OFFSET 0) x
    WHERE s.has_rooms
      AND NOT EXISTS (SELECT 1 FROM ${STAGE_ROOMS} n WHERE n.destination = s.destination AND n.room_id = x.room_id)))`;

const UPSERT_ROOMS = `
  INSERT INTO destination_rooms AS r (destination, room_id, stream_ordering)
  SELECT destination, room_id, stream_ordering FROM ${STAGE_ROOMS} ORDER BY destination, room_id
  ON CONFLICT (destination, room_id) DO UPDATE SET stream_ordering = EXCLUDED.stream_ordering
  WHERE r.stream_ordering IS DISTINCT FROM EXCLUDED.stream_ordering`;

const COPY_ROOMS_DIRECT = `COPY destination_rooms (destination, room_id, stream_ordering) FROM STDIN`;

const INSERT_NEW_DESTINATIONS = `
  INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering)
  SELECT destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering
  FROM ${STAGE_DEST} ORDER BY destination
  ON CONFLICT (destination) DO NOTHING`;

const INSERT_NEW_DESTINATIONS_COUNTED = `
  INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering, rooms_count)
  SELECT destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering, room_count
  FROM ${STAGE_DEST} ORDER BY destination
  ON CONFLICT (destination) DO NOTHING`;

/**
 * First-import fast path. Inserting rooms costs, per room row, a foreign-key check (a
 * trigger query) and, per statement, the rooms_count trigger's UPDATE of every destination
 * concerned (a second version of each destination row, with all its index entries). For a
 * batch whose destinations are all new, both are redundant: the rooms' destinations were
 * inserted by this very transaction, and their rooms_count can be written by that INSERT.
 * So the batch COPYs the rooms with session_replication_role = replica (row triggers off,
 * as pg_restore --disable-triggers does; for that one statement only), then inserts its
 * destinations with rooms_count set, and commits only if that INSERT added every one of
 * them (ON CONFLICT DO NOTHING counts); otherwise it rolls back to a savepoint and upserts.
 * Foreign keys hold at commit: every room's destination was inserted by the same transaction.
 *
 * Used only when all of this holds, else every batch takes the ordinary upsert path:
 * - the session may set session_replication_role (superuser, e.g. the embedded PostgreSQL);
 * - destination_rooms has no user triggers other than the known rooms_count ones, all
 *   ordinarily enabled, and the insert one has exactly the known body (KNOWN_COUNT_INS_MD5),
 *   so no behaviour is skipped that is not reproduced here ("count"); or no user trigger at
 *   all ("plain": only the foreign-key check is skipped).
 * The first batch that finds an existing destination switches the import to the upsert path.
 */
type FastPath = { kind: "off" | "plain" | "count"; tryFresh: boolean };

const COUNT_TRIGGERS = ["destination_rooms_count_del", "destination_rooms_count_ins", "destination_rooms_count_upd"];
// md5 of pg_proc.prosrc of destination_rooms_count_ins() in migration 20261126020000_console.
const KNOWN_COUNT_INS_MD5 = "31c4391026959879f0ace318237e1ece";

async function detectFastPath(client: pg.PoolClient): Promise<FastPath["kind"]> {
  const r = await client.query<{
    su: boolean;
    triggers: { name: string; enabled: string; md5: string }[] | null;
    has_count: boolean;
  }>(`
    SELECT current_setting('is_superuser') = 'on' AS su,
      (SELECT json_agg(json_build_object('name', t.tgname, 'enabled', t.tgenabled, 'md5', md5(p.prosrc)))
         FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
        WHERE t.tgrelid = 'destination_rooms'::regclass AND NOT t.tgisinternal) AS triggers,
      EXISTS (SELECT 1 FROM pg_attribute
               WHERE attrelid = 'destinations'::regclass AND attname = 'rooms_count' AND NOT attisdropped) AS has_count`);
  const { su, triggers, has_count } = r.rows[0];
  if (!su) return "off";
  const ts = triggers ?? [];
  if (ts.length === 0) return "plain";
  if (!ts.every((t) => COUNT_TRIGGERS.includes(t.name) && t.enabled === "O")) return "off";
  const ins = ts.find((t) => t.name === "destination_rooms_count_ins");
  if (!ins || ins.md5 !== KNOWN_COUNT_INS_MD5 || !has_count) return "off";
  return "count";
}

const RETRYABLE = new Set(["40001", "40P01"]); // serialization failure, deadlock

function sqlState(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" ? code : "";
}

/**
 * Writes entries in one transaction, retrying deadlocks. If the database rejects the data
 * (SQLSTATE class 22 data exception or 23 integrity violation), the entries are split in
 * halves until the offending ones are isolated and reported; the others are written.
 */
async function writeEntries(
  client: pg.PoolClient,
  entries: Pending[],
  counts: Counts,
  fast: FastPath,
  nested: boolean,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await writeBatch(client, entries, fast, nested);
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
        await writeEntries(client, entries.slice(0, mid), counts, fast, nested);
        await writeEntries(client, entries.slice(mid), counts, fast, nested);
        return;
      }
      throw e;
    }
  }
}

/**
 * One batch as a transaction, or (nested: inside the bulk load's transaction) as a savepoint,
 * so a failed batch is undone alone either way.
 */
async function writeBatch(client: pg.PoolClient, entries: Pending[], fast: FastPath, nested: boolean): Promise<void> {
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
  const tx = nested
    ? {
        // No commit between batches, so ON COMMIT DELETE ROWS does not empty the staging tables.
        begin: `SAVEPOINT fc_batch; TRUNCATE ${STAGE_DEST}, ${STAGE_ROOMS}`,
        commit: "RELEASE SAVEPOINT fc_batch",
        rollback: "ROLLBACK TO SAVEPOINT fc_batch; RELEASE SAVEPOINT fc_batch",
      }
    : { begin: "BEGIN", commit: "COMMIT", rollback: "ROLLBACK" };
  await client.query(tx.begin);
  try {
    await copyIn(client, `COPY ${STAGE_DEST} FROM STDIN`, destLines);
    if (fast.kind !== "off" && fast.tryFresh) {
      // First-import fast path (see FastPath). Rooms first, then the destinations: the
      // destination INSERT's statement trigger locks the one-row destination counter until
      // COMMIT, so it comes last and concurrent batches wait for each other only briefly.
      await client.query("SAVEPOINT fc_fresh");
      let fresh = false;
      try {
        if (roomLines.length) {
          await client.query("SET LOCAL session_replication_role = replica");
          await copyIn(client, COPY_ROOMS_DIRECT, roomLines); // fails if such a room exists
          await client.query("SET LOCAL session_replication_role = origin");
        }
        const ins = await client.query(
          fast.kind === "count" ? INSERT_NEW_DESTINATIONS_COUNTED : INSERT_NEW_DESTINATIONS,
        );
        fresh = ins.rowCount === entries.length;
      } catch {
        // Whatever went wrong is retried on the ordinary path below, which reports real errors.
      }
      if (fresh) {
        await client.query(tx.commit);
        return;
      }
      // Some destination exists already: not a first import. Undo (rooms included) and upsert.
      await client.query("ROLLBACK TO SAVEPOINT fc_fresh");
      await client.query("SET LOCAL session_replication_role = origin");
      fast.tryFresh = false;
    }
    // xmax = 0 marks a freshly inserted row.
    const up = await client.query<{ inserted: number }>(
      `WITH up AS (${UPSERT_DESTINATIONS} RETURNING (xmax = 0) AS ins) SELECT count(*) FILTER (WHERE ins)::int AS inserted FROM up`,
    );
    if (anyRooms) {
      if (up.rows[0].inserted === entries.length) {
        // Every destination of the batch is new, so none has rooms yet and this batch's room
        // ids are distinct per destination: COPY straight into the table (the common bulk case).
        if (roomLines.length) await copyIn(client, COPY_ROOMS_DIRECT, roomLines);
      } else {
        if (roomLines.length) await copyIn(client, `COPY ${STAGE_ROOMS} FROM STDIN`, roomLines);
        await client.query(DELETE_REPLACED_ROOMS);
        if (roomLines.length) await client.query(UPSERT_ROOMS);
      }
    }
    await client.query(tx.commit);
  } catch (e) {
    await client.query(tx.rollback).catch(() => {});
    throw e;
  }
}

/** PostgreSQL COPY text format: escape backslash and the delimiter/row separators. */
function copyText(s: string): string {
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"))
    : s;
}

async function copyIn(client: pg.PoolClient, sql: string, lines: string[]): Promise<void> {
  const stream = client.query(copyStreams.from(sql));
  await pipeline(Readable.from(chunks(lines, 1 << 20)), stream);
}

/** Joins lines into ~size-character strings (fewer, larger writes). */
function* chunks(lines: string[], size: number): Generator<string> {
  let parts: string[] = [];
  let len = 0;
  for (const l of lines) {
    parts.push(l);
    len += l.length;
    if (len >= size) {
      yield parts.join("");
      parts = [];
      len = 0;
    }
  }
  if (parts.length) yield parts.join("");
}
