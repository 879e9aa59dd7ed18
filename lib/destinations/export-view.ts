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
import { type StatusFilter, statusFilterSql } from "./destination-status";
import { csvHeader, csvLines, type ExportFormat, jsonLines } from "./export-format";
import { filterWhere } from "./list-console-destinations";

/** Rows fetched from the cursor at a time. */
export const EXPORT_BATCH_ROWS = 2_000;

export type ExportQuery = { format: ExportFormat; search: string; status: StatusFilter | null };

export type ExportStream = {
  /** Rows the complete export holds. */
  total: bigint;
  /** The next piece of text (the CSV header first), or null at the end. */
  next(): Promise<string | null>;
  /** Ends the snapshot; with an error when the export was cut off. */
  close(error?: unknown): Promise<void>;
};

/**
 * The status as SQL, from the list's filters (statusFilterSql, compared with destinationStatus
 * on every combination by its tests): they are exclusive and cover every row, so the first
 * that matches names the status. Computed by the database, the export moves four columns fewer.
 */
function statusSql(nowParam: string): string {
  const order = ["blocked", "retrying", "reachable_backing_off", "backing_off", "never_contacted"] as const;
  return `CASE ${order.map((k) => `WHEN ${statusFilterSql(k, nowParam)} THEN '${k}'`).join(" ")} ELSE 'healthy' END`;
}

// Every value as text: written as it comes (exact digits, no BigInt or Number on the way).
const columns = (
  nowParam: string,
) => `destination, retry_last_ts::text AS retry_last_ts, retry_interval::text AS retry_interval,
  failure_ts::text AS failure_ts, last_successful_stream_ordering::text AS last_successful_stream_ordering,
  ${statusSql(nowParam)} AS status, last_error_kind, last_error_message AS last_error, rooms_count::text AS rooms_count`;

type SqlRow = {
  destination: string;
  retry_last_ts: string;
  retry_interval: string;
  failure_ts: string | null;
  last_successful_stream_ordering: string | null;
  status: string;
  last_error_kind: string | null;
  last_error: string | null;
  rooms_count: string;
};

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
    const nowParam = `$${args.length + 1}`;
    const rows = await declareCursor<SqlRow>(
      snap,
      `SELECT ${columns(nowParam)} FROM destinations ${where} ORDER BY destination`,
      [...args, nowMs.toString()],
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
        return q.format === "csv" ? csvLines(batch) : jsonLines(batch);
      },
      close: (e) => snap.end(e),
    };
  } catch (e) {
    await snap.end(e);
    throw e;
  }
}
