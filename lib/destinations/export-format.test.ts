import assert from "node:assert/strict";
import { test } from "node:test";
import { csvHeader, csvLines, type ExportRow, jsonLines } from "./export-format";
import { parseJsonExact, type JsonNumber } from "./exact-json";

const row = (over: Partial<ExportRow>): ExportRow => ({
  destination: "a.test",
  retry_last_ts: "0",
  retry_interval: "0",
  failure_ts: null,
  last_successful_stream_ordering: null,
  status: "healthy",
  last_error_kind: null,
  last_error: null,
  rooms_count: "0",
  ...over,
});

test("the CSV guard prefixes text cells that a spreadsheet would run as a formula", () => {
  for (const bad of ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "＝1"]) {
    const line = csvLines([row({ last_error: bad })]);
    const cell = line.trimEnd().split(",").slice(7, -1).join(",");
    assert.ok(/^"?'/.test(cell), `${JSON.stringify(bad)} was written as ${JSON.stringify(line)}`);
  }
  // Harmless text is left alone.
  assert.equal(csvLines([row({ last_error: "connection refused" })]), "a.test,0,0,,,healthy,,connection refused,0\n");
});

test("negative and 64-bit integers are written exactly and never prefixed", () => {
  const line = csvLines([
    row({ failure_ts: "-9223372036854775808", last_successful_stream_ordering: "9223372036854775807" }),
  ]);
  assert.equal(line, "a.test,0,0,-9223372036854775808,9223372036854775807,healthy,,,0\n");
});

test("quotes, commas and newlines are quoted as RFC 4180 says", () => {
  assert.equal(
    csvLines([row({ last_error: 'said "no", then\nleft' })]),
    'a.test,0,0,,,healthy,,"said ""no"", then\nleft",0\n',
  );
  assert.equal(
    csvHeader(),
    "destination,retry_last_ts,retry_interval,failure_ts,last_successful_stream_ordering,status,last_error_kind,last_error,rooms_count\n",
  );
});

test("JSON Lines keep exact integers and the field names", () => {
  const text = jsonLines([row({ retry_last_ts: "9007199254740993", last_error: 'x\u0000"y', rooms_count: "3" })]);
  assert.ok(text.endsWith("\n"));
  const v = parseJsonExact(text.trim()) as Map<string, unknown>;
  assert.deepEqual(
    [...v.keys()],
    [
      "destination",
      "retry_last_ts",
      "retry_interval",
      "failure_ts",
      "last_successful_stream_ordering",
      "status",
      "last_error_kind",
      "last_error",
      "rooms_count",
    ],
  );
  assert.equal((v.get("retry_last_ts") as JsonNumber).raw, "9007199254740993");
  assert.equal(v.get("last_error"), 'x\u0000"y');
});
