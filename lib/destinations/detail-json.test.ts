// The API's JSON of one destination and of its attempts: exact digits above 2^53, nulls kept,
// Synapse's details rule for the timings, the export's names.
import { test } from "node:test";
import assert from "node:assert/strict";
import { toJson } from "../http/json";
import { type ConsoleSqlRow, toConsoleDestination } from "./console-rows";
import { attemptsPageJson, destinationDetailJson } from "./detail-json";
import type { DestinationDetail } from "./get-destination-detail";

const NOW = 1_800_000_000_000n;
const EMPTY: ConsoleSqlRow = {
  destination: "x.example",
  retry_last_ts: "0",
  retry_interval: "0",
  failure_ts: null,
  last_successful_stream_ordering: null,
  last_attempt_ts: null,
  last_outcome: null,
  last_error_kind: null,
  last_error_message: null,
  last_success_ts: null,
  resolved_address: null,
  server_software: null,
  server_version: null,
  claimed_until: null,
  wake_requested_at: null,
  rooms_count: 0,
};
const detail = (r: Partial<ConsoleSqlRow>, lastHttpStatus: number | null = null): DestinationDetail => ({
  ...toConsoleDestination({ ...EMPTY, ...r }, NOW),
  lastHttpStatus,
});

test("a failing destination: every field, 64-bit integers digit for digit", () => {
  const text = toJson(
    destinationDetailJson(
      detail(
        {
          destination: "big.example",
          retry_last_ts: "9007199254740993",
          retry_interval: "9007199254740993",
          failure_ts: "9007199254740995",
          last_successful_stream_ordering: "9223372036854775806",
          last_attempt_ts: "9007199254740993",
          last_outcome: "failure",
          last_error_kind: "HTTP_5XX",
          last_error_message: 'HTTP 503 "unavailable"',
          last_success_ts: "9007199254740991",
          resolved_address: "[2001:db8::1]:8448",
          server_software: "Synapse",
          server_version: "1.99.0",
          rooms_count: 12,
        },
        503,
      ),
    ),
  );
  assert.equal(
    text,
    '{"destination":"big.example","last_successful_stream_ordering":9223372036854775806,' +
      '"failure_ts":9007199254740995,"retry_last_ts":9007199254740993,"retry_interval":9007199254740993,' +
      // 2 × 9007199254740993 (a float would say …984)
      '"status":"backing_off","next_retry_ts":18014398509481986,' +
      '"last_attempt_ts":9007199254740993,"last_outcome":"failure","last_error_kind":"HTTP_5XX",' +
      '"last_error":"HTTP 503 \\"unavailable\\"","last_http_status":503,"last_success_ts":9007199254740991,' +
      '"resolved_address":"[2001:db8::1]:8448","server_software":"Synapse","server_version":"1.99.0","rooms_count":12}',
  );
});

test("never contacted: nulls stay null (never omitted), timings hidden as Synapse's details hide them", () => {
  const json = JSON.parse(
    toJson(
      destinationDetailJson(
        detail({ retry_interval: "600000", failure_ts: "5", last_successful_stream_ordering: "0" }),
      ),
    ),
  );
  assert.deepEqual(json, {
    destination: "x.example",
    last_successful_stream_ordering: 0,
    failure_ts: null,
    retry_last_ts: 0,
    retry_interval: 0,
    status: "never_contacted",
    next_retry_ts: null,
    last_attempt_ts: null,
    last_outcome: null,
    last_error_kind: null,
    last_error: null,
    last_http_status: null,
    last_success_ts: null,
    resolved_address: null,
    server_software: null,
    server_version: null,
    rooms_count: 0,
  });
});

test("status words are the console's (and the export's)", () => {
  const kind = (r: Partial<ConsoleSqlRow>) => JSON.parse(toJson(destinationDetailJson(detail(r)))).status;
  assert.equal(kind({ last_attempt_ts: "1", last_outcome: "success" }), "healthy");
  assert.equal(kind({ wake_requested_at: "1" }), "retrying");
  assert.equal(kind({ retry_last_ts: "10", retry_interval: "5", last_error_kind: "IP_BLOCKED" }), "blocked");
  assert.equal(
    kind({ retry_last_ts: "10", retry_interval: "5", last_attempt_ts: "11", last_outcome: "success" }),
    "reachable_backing_off",
  );
});

test("attempts: exact ids and times, nulls kept, the cursor as an exact integer or null", () => {
  const attempt = {
    id: 9007199254740993n,
    startedTs: 9223372036854775807n,
    durationMs: 41,
    trigger: "reset",
    outcome: "failure",
    stage: "tls",
    reason: "CERT_EXPIRED",
    message: "certificate has expired",
    httpStatus: null,
    resolvedAddress: "10.0.0.1:8448",
    serverSoftware: null,
    serverVersion: null,
  };
  assert.equal(
    toJson(attemptsPageJson({ attempts: [attempt], nextBefore: 9007199254740993n })),
    '{"attempts":[{"id":9007199254740993,"started_ts":9223372036854775807,"duration_ms":41,"trigger":"reset",' +
      '"outcome":"failure","stage":"tls","error_kind":"CERT_EXPIRED","error":"certificate has expired",' +
      '"http_status":null,"resolved_address":"10.0.0.1:8448","server_software":null,"server_version":null}],' +
      '"next_before":9007199254740993}',
  );
  assert.equal(toJson(attemptsPageJson({ attempts: [], nextBefore: null })), '{"attempts":[],"next_before":null}');
});
