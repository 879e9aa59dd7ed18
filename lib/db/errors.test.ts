import { test } from "node:test";
import assert from "node:assert/strict";
import { isDatabaseDown } from "./errors";

test("errors of a database that went away count as down (API 503, scheduler retries)", () => {
  for (const e of [
    Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }),
    new Error("Connection terminated unexpectedly"),
    new Error("Client has encountered a connection error and is not queryable"),
    new Error("terminating connection due to unexpected postmaster exit"),
    Object.assign(new Error("the database system is in recovery mode"), { code: "57P03" }),
    new Error("the database system is in recovery mode"),
    Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
  ])
    assert.equal(isDatabaseDown(e), true, e.message);
});

test("errors of the request itself do not", () => {
  for (const e of [
    Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), { code: "23505" }),
    Object.assign(new Error('syntax error at or near "FROM"'), { code: "42601" }),
    new Error("something else"),
    null,
    "a string",
  ])
    assert.equal(isDatabaseDown(e), false, String(e));
});
