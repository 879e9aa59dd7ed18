// The lines of a destinations export (README "Export"): the API's field names, then what the
// console shows beside them. CSV is written by csv-stringify (quoting per RFC 4180) with its
// formula-injection guard: a text cell starting with = + - @, a tab or a carriage return (or
// their full-width forms) gets a leading apostrophe, so a spreadsheet shows it as text instead
// of running it (OWASP "CSV Injection"). Remote servers choose their error messages, imports and
// mirrors choose names: both are untrusted. Integers arrive as the database's decimal text and
// are written digit for digit (never through Number); a negative one is handed to csv-stringify
// as a bigint, which its guard leaves alone (a negative number is not a formula).
import { stringify } from "csv-stringify/sync";

export const EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_FIELDS = [
  "destination",
  "retry_last_ts",
  "retry_interval",
  "failure_ts",
  "last_successful_stream_ordering",
  "status",
  "last_error_kind",
  "last_error",
  "rooms_count",
] as const;

/** A row as the database gives it: integers as decimal text (exact), null when unknown. */
export type ExportRow = {
  destination: string;
  retry_last_ts: string;
  retry_interval: string;
  failure_ts: string | null;
  last_successful_stream_ordering: string | null;
  /** The console's status (destination-status.ts STATUS_KINDS). */
  status: string;
  last_error_kind: string | null;
  last_error: string | null;
  rooms_count: string;
};

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/jsonl; charset=utf-8",
};

/** The CSV header line. */
export function csvHeader(): string {
  return stringify([EXPORT_FIELDS as unknown as string[]]);
}

/** Rows as CSV lines (no header). */
export function csvLines(rows: readonly ExportRow[]): string {
  if (rows.length === 0) return "";
  const records = rows.map((r) => [
    r.destination,
    int(r.retry_last_ts),
    int(r.retry_interval),
    int(r.failure_ts),
    int(r.last_successful_stream_ordering),
    r.status,
    r.last_error_kind,
    r.last_error,
    int(r.rooms_count),
  ]);
  return stringify(records, { escape_formulas: true });
}

/** An integer cell: text as is, a negative one as a bigint so the formula guard skips it. */
const int = (n: string | null): string | bigint | null => (n !== null && n.charCodeAt(0) === 45 ? BigInt(n) : n);
const num = (n: string | null) => (n === null ? "null" : n);
const str = (s: string | null) => (s === null ? "null" : JSON.stringify(s));

/** Rows as JSON Lines, exact integers, fields in EXPORT_FIELDS order. */
export function jsonLines(rows: readonly ExportRow[]): string {
  let out = "";
  for (const r of rows) {
    out +=
      `{"destination":${JSON.stringify(r.destination)},"retry_last_ts":${r.retry_last_ts},"retry_interval":${r.retry_interval}` +
      `,"failure_ts":${num(r.failure_ts)},"last_successful_stream_ordering":${num(r.last_successful_stream_ordering)}` +
      `,"status":${JSON.stringify(r.status)},"last_error_kind":${str(r.last_error_kind)},"last_error":${str(r.last_error)}` +
      `,"rooms_count":${r.rooms_count}}\n`;
  }
  return out;
}
