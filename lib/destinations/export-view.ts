// The console's "Export" and GET /_fedconsole/v1/export/destinations (README "Export"): every
// destination matching a search and status filter — the list's filter, not its page — as CSV
// or JSON Lines, in destination order, read through a cursor in one snapshot
// (lib/db/snapshot-cursor.ts) so memory stays one batch whatever the size, and the rows are
// consistent with each other while the scheduler keeps writing.
//
// Audited when it starts, before the first row leaves: an export is a read of the whole
// fleet, and the record of it must exist even when the download is abandoned half way. The
// count is taken in the export's own snapshot, so it is exactly the rows a complete download
// holds.
//
// `fedctl destinations export` keeps its own writer (export-destinations.ts): its lines are
// the import format (with rooms), which `destinations import` reads back and which refuses
// fields it does not know, such as status or last_error.
import type pg from "pg";
import { recordAudit } from "../audit/record-audit";
import { type Principal, requireRole } from "../auth/principal";
import { declareCursor, openSnapshot } from "../db/snapshot-cursor";
import { destinationStatus, type StatusFilter } from "./destination-status";
import { csvHeader, csvLines, type ExportFormat, type ExportRow, jsonLines } from "./export-format";
import { filterWhere } from "./list-console-destinations";

/** Rows fetched from the cursor at a time. */
export const EXPORT_BATCH_ROWS = 1_000;

export type ExportQuery = { format: ExportFormat; search: string; status: StatusFilter | null };

export type ExportStream = {
  /** Rows the complete export holds. */
  total: bigint;
  /** The next piece of text (the CSV header first), or null at the end. */
  next(): Promise<string | null>;
  /** Ends the snapshot; with an error when the export was cut off. */
  close(error?: unknown): Promise<void>;
};

const COLUMNS = `destination, retry_last_ts::text AS retry_last_ts, retry_interval::text AS retry_interval,
  failure_ts::text AS failure_ts, last_successful_stream_ordering::text AS last_successful_stream_ordering,
  last_attempt_ts::text AS last_attempt_ts, last_outcome, last_error_kind, last_error_message,
  claimed_until::text AS claimed_until, wake_requested_at::text AS wake_requested_at, rooms_count`;

type SqlRow = {
  destination: string;
  retry_last_ts: string;
  retry_interval: string;
  failure_ts: string | null;
  last_successful_stream_ordering: string | null;
  last_attempt_ts: string | null;
  last_outcome: string | null;
  last_error_kind: string | null;
  last_error_message: string | null;
  claimed_until: string | null;
  wake_requested_at: string | null;
  rooms_count: number;
};

const big = (v: string | null) => (v === null ? null : BigInt(v));

function toExportRow(r: SqlRow, nowMs: bigint): ExportRow {
  const retryLastTs = BigInt(r.retry_last_ts);
  const status = destinationStatus(
    {
      retryLastTs,
      retryInterval: BigInt(r.retry_interval),
      lastAttemptTs: big(r.last_attempt_ts),
      lastOutcome: r.last_outcome,
      lastErrorKind: r.last_error_kind,
      claimedUntil: big(r.claimed_until),
      wakeRequestedAt: big(r.wake_requested_at),
    },
    nowMs,
  );
  return {
    destination: r.destination,
    retry_last_ts: retryLastTs,
    retry_interval: BigInt(r.retry_interval),
    failure_ts: big(r.failure_ts),
    last_successful_stream_ordering: big(r.last_successful_stream_ordering),
    status: status.kind,
    last_error_kind: r.last_error_kind,
    last_error: r.last_error_message,
    rooms_count: BigInt(r.rooms_count),
  };
}

export async function openDestinationExport(
  pool: pg.Pool,
  actor: Principal,
  q: ExportQuery,
  nowMs: bigint = BigInt(Date.now()),
): Promise<ExportStream> {
  requireRole(actor, "viewer", "export destinations");
  const { where, args } = filterWhere(q, nowMs);
  const snap = await openSnapshot(pool);
  try {
    const count = await snap.tx.query<{ n: string }>(`SELECT count(*)::text AS n FROM destinations ${where}`, args);
    const total = BigInt(count.rows[0].n);
    await recordAudit(pool, actor, {
      action: "destinations.export",
      detail: { format: q.format, search: q.search || null, status: q.status, rows: Number(total) },
    });
    const rows = await declareCursor<SqlRow>(
      snap,
      `SELECT ${COLUMNS} FROM destinations ${where} ORDER BY destination`,
      args,
      EXPORT_BATCH_ROWS,
    );
    let header = q.format === "csv";
    // The next batch is fetched while this one is formatted (the database and this process work
    // at the same time); at most two batches are held.
    let ahead: Promise<SqlRow[] | null> | null = null;
    const fetchBatch = () => {
      const p = rows.next();
      p.catch(() => {}); // awaited by the next call
      return p;
    };
    return {
      total,
      async next() {
        if (header) {
          header = false;
          ahead = fetchBatch();
          return csvHeader();
        }
        const batch = await (ahead ?? fetchBatch());
        ahead = batch === null ? null : fetchBatch();
        if (batch === null) return null;
        const items = batch.map((r) => toExportRow(r, nowMs));
        return q.format === "csv" ? csvLines(items) : jsonLines(items);
      },
      close: (e) => snap.end(e),
    };
  } catch (e) {
    await snap.end(e);
    throw e;
  }
}
