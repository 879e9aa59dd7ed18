import { test } from "node:test";
import assert from "node:assert/strict";
import { abortError, toUpstreamError } from "./database-errors";
import { UpstreamError } from "./types";

const L = "database synapse@db";
const kind = (e: unknown) => toUpstreamError(e, L).kind;
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

test("pg and network errors become UpstreamErrors of the right kind, named by the label", () => {
  assert.equal(kind(pgError("28P01", 'password authentication failed for user "ro"')), "unauthorized");
  assert.equal(kind(pgError("42501", "permission denied for table destinations")), "unauthorized");
  assert.equal(kind(pgError("57014", "canceling statement due to statement timeout")), "timeout");
  assert.equal(kind(new Error("timeout expired")), "timeout");
  assert.equal(kind(new Error("Query read timeout")), "timeout");
  assert.equal(kind(pgError("42P01", 'relation "destinations" does not exist')), "bad_response");
  assert.equal(kind(pgError("3D000", 'database "synapse" does not exist')), "unreachable");
  assert.equal(kind(pgError("57P01", "terminating connection due to administrator command")), "unreachable");
  assert.equal(kind(pgError("53300", "sorry, too many clients already")), "unreachable");
  assert.equal(kind(pgError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:1")), "unreachable");
  assert.equal(kind(pgError("IP_BLOCKED", "169.254.169.254 is in the IP range blocklist")), "unreachable");
  assert.equal(kind(new Error("Connection terminated unexpectedly")), "unreachable");
  assert.equal(kind(new Error("The server does not support SSL connections")), "unreachable");
  assert.equal(kind(pgError("XX000", "internal error")), "bad_response");
  const e = toUpstreamError(pgError("28P01", 'password authentication failed for user "ro"'), L);
  assert.equal(
    e.message,
    `${L}: password authentication failed for user "ro" (the role needs LOGIN and GRANT SELECT ON destinations, destination_rooms)`,
  );
  const same = new UpstreamError("x", "http");
  assert.equal(toUpstreamError(same, L), same);
});

test("an abort is a timeout for a deadline, else its own reason", () => {
  const deadline = AbortSignal.abort(new DOMException("signal timed out", "TimeoutError"));
  const t = abortError(deadline, L);
  assert.ok(t instanceof UpstreamError && t.kind === "timeout");
  const reason = new Error("shutting down");
  assert.equal(abortError(AbortSignal.abort(reason), L), reason);
});
