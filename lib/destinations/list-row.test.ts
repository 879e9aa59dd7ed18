import { test } from "node:test";
import assert from "node:assert/strict";
import { toConsoleDestination, type ConsoleSqlRow } from "./console-rows";
import { exactInt, statusOf, toListRow } from "./list-row";

const NOW = 1_800_000_000_000n;
const sql: ConsoleSqlRow = {
  destination: "a.example.org",
  retry_last_ts: "0",
  retry_interval: "0",
  failure_ts: null,
  last_successful_stream_ordering: "9007199254740993", // above 2^53: must stay exact
  last_attempt_ts: "1799999990000",
  last_outcome: "success",
  last_error_kind: null,
  last_error_message: "not shown in the list",
  last_success_ts: "1799999990000",
  resolved_address: "192.0.2.1:8448",
  server_software: "Synapse",
  server_version: "1.120",
  claimed_until: null,
  wake_requested_at: null,
  rooms_count: 4,
};
const row = (over: Partial<ConsoleSqlRow>) => toListRow(toConsoleDestination({ ...sql, ...over }, NOW));

test("a healthy row: no failing-since, no next retry, exact stream ordering", () => {
  const r = row({});
  assert.deepEqual(r, ["a.example.org", 0, null, null, 1799999990000, null, 0, "9007199254740993", 4, 0]);
  assert.equal(statusOf(r), "healthy");
});

test("int8 values are numbers while a double holds them exactly, decimal strings beyond", () => {
  assert.equal(exactInt(9007199254740991n), 9007199254740991);
  assert.equal(exactInt(-9007199254740991n), -9007199254740991);
  assert.equal(exactInt(9007199254740992n), "9007199254740992");
  assert.equal(exactInt(-9223372036854775808n), "-9223372036854775808");
  for (const v of [0n, 1799999990000n, 9007199254740993n]) assert.equal(BigInt(exactInt(v)), v);
});

test("a backing-off row: failing since, next retry = retry_last_ts + interval, resettable", () => {
  const r = row({
    retry_last_ts: "1799999000000",
    retry_interval: "600000",
    failure_ts: "1799990000000",
    last_outcome: "failure",
    last_error_kind: "CONNECT_REFUSED",
  });
  assert.equal(statusOf(r), "backing_off");
  assert.equal(r[2], "CONNECT_REFUSED");
  assert.equal(r[3], 1799990000000);
  assert.equal(r[5], 1799999600000);
  assert.equal(r[6], 600000);
  assert.equal(r[9], 1);
});

test("failure_ts left after the timings cleared is not 'failing since'", () => {
  assert.equal(row({ failure_ts: "1799990000000" })[3], null);
});

test("every status kind comes back from its index", () => {
  const blocked = row({ retry_last_ts: "1799999000000", retry_interval: "600000", last_error_kind: "IP_BLOCKED" });
  assert.equal(statusOf(blocked), "blocked");
  assert.equal(statusOf(row({ last_attempt_ts: null, last_outcome: null })), "never_contacted");
});

test("only what the row shows: the error message and server details stay on the server", () => {
  const json = JSON.stringify(row({}));
  for (const hidden of ["not shown", "192.0.2.1", "Synapse", "1.120"]) assert.ok(!json.includes(hidden), hidden);
});
