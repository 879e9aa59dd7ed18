// The lines of a destinations export (README "Export"): the API's field names, then what the
// console shows beside them. CSV is written by csv-stringify (quoting per RFC 4180) with its
// formula-injection guard: a text cell starting with = + - @, a tab or a carriage return (or
// their full-width forms) gets a leading apostrophe, so a spreadsheet shows it as text instead
// of running it (OWASP "CSV Injection"). Remote servers choose their error messages, imports and
// mirrors choose names: both are untrusted. Integers are passed as bigint — written digit for
// digit, never through Number, and never prefixed (a negative number is not a formula).
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

export type ExportRow = {
  destination: string;
  retry_last_ts: bigint;
  retry_interval: bigint;
  failure_ts: bigint | null;
  last_successful_stream_ordering: bigint | null;
  /** The console's status (destination-status.ts STATUS_KINDS). */
  status: string;
  last_error_kind: string | null;
  last_error: string | null;
  rooms_count: bigint;
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
  return stringify(rows as ExportRow[], { columns: EXPORT_FIELDS as unknown as string[], escape_formulas: true });
}

const int = (n: bigint | null) => (n === null ? "null" : n.toString());
const str = (s: string | null) => (s === null ? "null" : JSON.stringify(s));

/** Rows as JSON Lines, exact integers, fields in EXPORT_FIELDS order. */
export function jsonLines(rows: readonly ExportRow[]): string {
  let out = "";
  for (const r of rows) {
    out +=
      `{"destination":${JSON.stringify(r.destination)},"retry_last_ts":${r.retry_last_ts},"retry_interval":${r.retry_interval}` +
      `,"failure_ts":${int(r.failure_ts)},"last_successful_stream_ordering":${int(r.last_successful_stream_ordering)}` +
      `,"status":${JSON.stringify(r.status)},"last_error_kind":${str(r.last_error_kind)},"last_error":${str(r.last_error)}` +
      `,"rooms_count":${r.rooms_count}}\n`;
  }
  return out;
}
