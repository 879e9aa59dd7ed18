import { test } from "node:test";
import assert from "node:assert/strict";
import type { Principal } from "../auth/principal";
import { AppError } from "../errors";
import { toMatrixError } from "./matrix-errors";
import { LARGE_PER_CALLER, RETRY_AFTER_MS, acquireLargeAnswer, processLimit } from "./large-answers";

const member = (id: string): Principal => ({ userId: id, email: `${id}@x.org`, role: "viewer", via: "api" });

test("at most LARGE_PER_CALLER at once per member, then 429 M_LIMIT_EXCEEDED with retry_after_ms", () => {
  const a = member("a");
  const held = Array.from({ length: LARGE_PER_CALLER }, () => acquireLargeAnswer(a, 30));
  let refused: unknown;
  try {
    acquireLargeAnswer(a, 30);
  } catch (e) {
    refused = e;
  }
  assert.ok(refused instanceof AppError);
  const { status, body } = toMatrixError(refused);
  assert.equal(status, 429);
  assert.equal(body.errcode, "M_LIMIT_EXCEEDED");
  assert.equal(body.retry_after_ms, RETRY_AFTER_MS);
  // Another member is not affected; a slot given back (twice counts once) can be taken again.
  acquireLargeAnswer(member("b"), 30)();
  held[0]();
  held[0]();
  const again = acquireLargeAnswer(a, 30);
  assert.throws(() => acquireLargeAnswer(a, 30), AppError);
  again();
  held[1]();
});

test("per process: a third of the pool (at least one)", () => {
  assert.equal(processLimit(10), 3);
  assert.equal(processLimit(2), 1);
  const pool = 6; // two slots
  const x = acquireLargeAnswer(member("x"), pool);
  const y = acquireLargeAnswer(member("y"), pool);
  assert.throws(() => acquireLargeAnswer(member("z"), pool), /on this server/);
  x();
  acquireLargeAnswer(member("z"), pool)();
  y();
});
