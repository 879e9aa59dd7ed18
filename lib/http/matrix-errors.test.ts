import { test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "../errors";
import { toMatrixError } from "./matrix-errors";

const pgError = (code: string) => Object.assign(new Error(`database error ${code}`), { code });

test("domain errors map to their status and errcode, with the message", () => {
  assert.deepEqual(toMatrixError(new AppError("not_found", "Unknown destination")), {
    status: 404,
    body: { errcode: "M_NOT_FOUND", error: "Unknown destination" },
  });
});

test("input PostgreSQL refuses (text it cannot store, a number it cannot read) is a 400, never a 500", () => {
  const logged: string[] = [];
  for (const code of ["22021", "22P05", "54000", "22P02", "22003"]) {
    const r = toMatrixError(pgError(code), (m) => logged.push(m));
    assert.equal(r.status, 400, code);
    assert.equal(r.body.errcode, "M_INVALID_PARAM", code);
  }
  assert.deepEqual(logged, [], "the caller's mistakes are not logged as our errors");
});

test("anything else is a 500 with a generic message, and is logged", () => {
  const logged: string[] = [];
  const r = toMatrixError(pgError("42P01"), (m) => logged.push(m));
  assert.deepEqual(r, { status: 500, body: { errcode: "M_UNKNOWN", error: "Internal server error" } });
  assert.equal(logged.length, 1);
});
