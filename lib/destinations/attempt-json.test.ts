// The manual attempt's API JSON: the destination's fields after the attempt with exact 64-bit
// integers, and the attempt as recorded.
import { test } from "node:test";
import assert from "node:assert/strict";
import { toJson } from "../http/json";
import { manualAttemptJson } from "./attempt-json";

test("a manual attempt answers the destination's timings exactly and the recorded attempt", () => {
  const big = 2n ** 62n + 1n;
  const json = toJson(
    manualAttemptJson({
      destination: {
        destination: "matrix.example.org",
        retryLastTs: big,
        retryInterval: 600_000n,
        failureTs: big - 5n,
        lastSuccessfulStreamOrdering: null,
      },
      timingsChanged: false,
      attempt: {
        id: 7n,
        trigger: "manual",
        startedTs: 1_800_000_000_123n,
        durationMs: 42,
        outcome: "failure",
        stage: "connect",
        reason: "CONNECT_REFUSED",
        message: "127.0.0.1:8448: connection refused",
        httpStatus: null,
        resolvedAddress: "127.0.0.1:8448",
        serverSoftware: null,
        serverVersion: null,
      },
    }),
  );
  assert.equal(
    json,
    `{"destination":"matrix.example.org","retry_last_ts":${big},"retry_interval":600000,"failure_ts":${big - 5n},` +
      `"last_successful_stream_ordering":null,"timings_changed":false,"attempt":{"id":7,"started_ts":1800000000123,` +
      `"duration_ms":42,"trigger":"manual","outcome":"failure","stage":"connect","error_kind":"CONNECT_REFUSED",` +
      `"error":"127.0.0.1:8448: connection refused","http_status":null,"resolved_address":"127.0.0.1:8448",` +
      `"server_software":null,"server_version":null}}`,
  );
});
