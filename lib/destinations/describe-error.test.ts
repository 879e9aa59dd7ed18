import { test } from "node:test";
import assert from "node:assert/strict";
import { describeCurrentFailure, describeFailure } from "./describe-error";

test("stage + reason in plain words", () => {
  assert.deepEqual(describeFailure({ stage: "tls", reason: "CERT_EXPIRED", message: "certificate has expired" }), {
    summary: "TLS: certificate has expired",
    detail: null,
  });
  assert.equal(
    describeFailure({ stage: "connect", reason: "CONNECT_REFUSED", message: null })!.summary,
    "Connection: connection refused",
  );
  assert.equal(
    describeFailure({ stage: "dns", reason: "DNS_NXDOMAIN", message: null })!.summary,
    "DNS: the name does not exist (NXDOMAIN)",
  );
});

test("the stage is inferred from the reason when only the reason is stored", () => {
  assert.equal(describeFailure({ reason: "CERT_EXPIRED", message: null })!.summary, "TLS: certificate has expired");
  assert.equal(
    describeFailure({ reason: "IP_BLOCKED", message: null })!.summary,
    "Connection: the address is in a blocked IP range",
  );
  assert.equal(
    describeFailure({ reason: "HTTP_5XX", message: null, httpStatus: 502 })!.summary,
    "HTTP: the server answered with an error (502)",
  );
});

test("the scheduler's message is kept as detail when it adds something", () => {
  const r = describeFailure({
    stage: "connect",
    reason: "CONNECT_REFUSED",
    message: "connect ECONNREFUSED 10.0.0.1:8448",
  });
  assert.equal(r!.detail, "connect ECONNREFUSED 10.0.0.1:8448");
});

test("unknown codes are still readable; nothing recorded → null", () => {
  assert.equal(
    describeFailure({ stage: "http", reason: "SOMETHING_NEW", message: null })!.summary,
    "HTTP: something new",
  );
  assert.equal(describeFailure({ reason: null, message: null }), null);
  assert.equal(describeFailure({ reason: null, message: "odd" })!.summary, "odd");
});

test("the current failure: from the latest failed attempt when it is the recorded one", () => {
  const d = { lastOutcome: "failure", lastErrorKind: "HTTP_5XX", lastErrorMessage: "bad gateway" };
  const attempts = [
    { outcome: "neutral", reason: null, message: null },
    { outcome: "failure", stage: "http", reason: "HTTP_5XX", message: null, httpStatus: 502 },
  ];
  assert.equal(describeCurrentFailure(d, attempts)?.summary, "HTTP: the server answered with an error (502)");
  // The attempt history no longer has it: the recorded kind and message.
  assert.deepEqual(describeCurrentFailure(d, [{ outcome: "failure", reason: "DNS_TIMEOUT", message: null }]), {
    summary: "HTTP: the server answered with an error (5xx)",
    detail: "bad gateway",
  });
  assert.equal(
    describeCurrentFailure({ lastOutcome: "success", lastErrorKind: null, lastErrorMessage: null }, []),
    null,
  );
  assert.equal(
    describeCurrentFailure({ lastOutcome: "success", lastErrorKind: "CONNECT_REFUSED", lastErrorMessage: null }, [])
      ?.summary,
    "Connection: connection refused",
  );
});
