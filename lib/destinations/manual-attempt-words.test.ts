import { test } from "node:test";
import assert from "node:assert/strict";
import type { ManualAttempt } from "./attempt-now";
import { manualAttemptWords } from "./manual-attempt-words";

const base: ManualAttempt = {
  destination: {
    destination: "m.example",
    retryLastTs: 0n,
    retryInterval: 0n,
    failureTs: null,
    lastSuccessfulStreamOrdering: null,
  },
  timingsChanged: false,
  attempt: {
    id: 1n,
    trigger: "manual",
    startedTs: 1n,
    durationMs: 1234,
    outcome: "success",
    stage: "done",
    reason: null,
    message: null,
    httpStatus: 200,
    resolvedAddress: "127.0.0.1:8448",
    serverSoftware: "Synapse",
    serverVersion: "1.130.0",
  },
};
const backingOff = { ...base.destination, retryLastTs: 5n, retryInterval: 600_000n, failureTs: 5n };

test("the result line says what was found and what happened to the retry timings", () => {
  assert.equal(manualAttemptWords(base), "Attempt succeeded in 1,234 ms (Synapse 1.130.0).");
  assert.equal(
    manualAttemptWords({ ...base, timingsChanged: true }),
    "Attempt succeeded in 1,234 ms (Synapse 1.130.0); backoff cleared.",
  );
  assert.match(
    manualAttemptWords({ ...base, destination: backingOff }),
    /^Attempt succeeded in 1,234 ms \(Synapse 1\.130\.0\); still backing off here: the homeserver keeps/,
  );
  const refused = {
    ...base.attempt,
    outcome: "failure",
    stage: "connect",
    reason: "CONNECT_REFUSED",
    httpStatus: null,
    serverSoftware: null,
    serverVersion: null,
  };
  assert.equal(
    manualAttemptWords({ ...base, attempt: refused }),
    "Attempt failed in 1,234 ms: Connection: connection refused. Retry timings unchanged.",
  );
  assert.equal(
    manualAttemptWords({ ...base, attempt: refused, destination: backingOff }),
    "Attempt failed in 1,234 ms: Connection: connection refused. Retry timings unchanged (the next retry stays as scheduled).",
  );
  assert.equal(
    manualAttemptWords({
      ...base,
      attempt: { ...refused, outcome: "neutral", stage: "http", reason: "HTTP_404", httpStatus: 404 },
    }),
    "Attempt answered in 1,234 ms: HTTP: the federation version endpoint was not found (404). Retry timings unchanged.",
  );
});
