import { test } from "node:test";
import assert from "node:assert/strict";
import { destinationStatus, resetUnavailableReason, type StatusInput } from "./destination-status";

const NOW = 1_800_000_000_000n;
const base: StatusInput = {
  retryLastTs: 0n,
  retryInterval: 0n,
  lastAttemptTs: NOW - 60_000n,
  lastOutcome: "success",
  lastErrorKind: null,
  claimedUntil: null,
  wakeRequestedAt: null,
};
const s = (over: Partial<StatusInput>) => destinationStatus({ ...base, ...over }, NOW);

test("healthy: attempted, not backing off, nothing in flight", () => {
  const r = s({});
  assert.equal(r.kind, "healthy");
  assert.equal(r.label, "Healthy");
  assert.equal(r.nextRetryTs, null);
  assert.equal(r.resettable, false);
  assert.equal(r.inProgress, false);
});

test("never contacted: no attempt and retry_last_ts 0 (not 'never worked' because stream ordering is null)", () => {
  assert.equal(s({ lastAttemptTs: null }).kind, "never_contacted");
  assert.equal(s({ lastAttemptTs: null }).label, "Never contacted");
});

test("backing off: retry_last_ts > 0, next retry = retry_last_ts + retry_interval, resettable", () => {
  const r = s({ retryLastTs: NOW - 1000n, retryInterval: 600_000n, lastErrorKind: "CONNECT_REFUSED" });
  assert.equal(r.kind, "backing_off");
  assert.equal(r.label, "Backing off");
  assert.equal(r.nextRetryTs, NOW - 1000n + 600_000n);
  assert.equal(r.resettable, true);
  // Synapse may have stored timings without our attempt record: still backing off.
  assert.equal(s({ retryLastTs: 5n, retryInterval: 5n, lastAttemptTs: null }).kind, "backing_off");
});

test("blocked: IP_BLOCKED while backing off wins over everything", () => {
  assert.equal(s({ retryLastTs: NOW, retryInterval: 1n, lastErrorKind: "IP_BLOCKED" }).kind, "blocked");
  assert.equal(
    s({ retryLastTs: NOW, retryInterval: 1n, lastErrorKind: "IP_BLOCKED", claimedUntil: NOW + 1000n }).kind,
    "blocked",
  );
  // An old IP_BLOCKED without backoff (e.g. after a reset) is not "Blocked".
  assert.equal(s({ lastErrorKind: "IP_BLOCKED" }).kind, "healthy");
});

test("retrying now: a live claim or a pending wake request; an expired claim is not", () => {
  assert.equal(s({ claimedUntil: NOW + 1n }).kind, "retrying");
  assert.equal(s({ claimedUntil: NOW }).kind, "healthy");
  assert.equal(s({ claimedUntil: NOW - 1n, lastAttemptTs: null }).kind, "never_contacted");
  const afterReset = s({ wakeRequestedAt: NOW - 10n });
  assert.equal(afterReset.kind, "retrying");
  assert.equal(afterReset.label, "Retrying now");
  assert.equal(afterReset.inProgress, true);
  assert.equal(afterReset.resettable, false);
  // A scheduled retry in flight of a backing-off destination: retrying, and still resettable.
  const r = s({ retryLastTs: NOW - 5n, retryInterval: 1n, claimedUntil: NOW + 5n });
  assert.equal(r.kind, "retrying");
  assert.equal(r.resettable, true);
});

test("reset unavailable reasons", () => {
  assert.equal(resetUnavailableReason(s({ retryLastTs: 1n })), null);
  assert.match(resetUnavailableReason(s({}))!, /Not backing off/);
  assert.match(resetUnavailableReason(s({ wakeRequestedAt: NOW }))!, /has not finished/);
});

test("values above 2^53 stay exact", () => {
  const r = s({ retryLastTs: 9007199254740993n, retryInterval: 9007199254740993n });
  assert.equal(r.nextRetryTs, 18014398509481986n);
});

test("reachable, still backing off: the latest attempt succeeded after the latest failure, the backoff stands", () => {
  const failedAt = NOW - 120_000n;
  const r = s({ retryLastTs: failedAt, retryInterval: 600_000n, lastOutcome: "success", lastAttemptTs: NOW - 1000n });
  assert.equal(r.kind, "reachable_backing_off");
  assert.equal(r.label, "Reachable, still backing off");
  assert.equal(r.resettable, true);
  assert.equal(r.nextRetryTs, failedAt + 600_000n);
  // The success came before the failure: plain backing off; a failed latest attempt too.
  assert.equal(s({ retryLastTs: failedAt, retryInterval: 1n, lastAttemptTs: failedAt - 1n }).kind, "backing_off");
  assert.equal(s({ retryLastTs: failedAt, retryInterval: 1n, lastOutcome: "failure" }).kind, "backing_off");
  // An attempt in flight or a blocked address still win.
  assert.equal(s({ retryLastTs: failedAt, retryInterval: 1n, claimedUntil: NOW + 1n }).kind, "retrying");
});
