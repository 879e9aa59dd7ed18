import { test } from "node:test";
import assert from "node:assert/strict";
import { parseChoice, parseCount, parseCursor, parseDirection, parseNonNegativeInteger } from "./params";
import type { AppError } from "../errors";

const q = (s: string) => new URLSearchParams(s);
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as AppError).code + ": " + (e as Error).message;
  }
  return "ok";
};

test("integers: default, first of repeated, clamped, rejected", () => {
  assert.equal(parseNonNegativeInteger(q(""), "from", 0n), 0n);
  assert.equal(parseNonNegativeInteger(q("from=7&from=9"), "from", 0n), 7n);
  assert.equal(parseNonNegativeInteger(q("from=+5"), "from", 0n), 5n);
  assert.equal(parseNonNegativeInteger(q("from=99999999999999999999999"), "from", 0n), 9223372036854775807n);
  assert.equal(
    code(() => parseNonNegativeInteger(q("limit=1.5"), "limit", 100n)),
    "invalid_param: Query parameter limit must be an integer",
  );
  assert.equal(
    code(() => parseNonNegativeInteger(q("limit="), "limit", 100n)),
    "invalid_param: Query parameter limit must be an integer",
  );
  assert.equal(
    code(() => parseNonNegativeInteger(q("from=-1"), "from", 0n)),
    "invalid_param: Query parameter from must be a positive integer.",
  );
});

test("counts of our own API: whole numbers from 1, clamped to the maximum; anything else refused", () => {
  assert.equal(parseCount(q(""), "limit", 20, 100), 20);
  assert.equal(parseCount(q("limit=7"), "limit", 20, 100), 7);
  assert.equal(parseCount(q("limit=+7"), "limit", 20, 100), 7);
  assert.equal(parseCount(q("limit=100"), "limit", 20, 100), 100);
  assert.equal(parseCount(q("limit=99999999999999999999999"), "limit", 20, 100), 100);
  for (const bad of ["2.5", "0", "-1", "1e2", "0x10", "ten", ""]) {
    assert.equal(
      code(() => parseCount(q(`limit=${bad}`), "limit", 20, 100)),
      "invalid_param: Query parameter limit must be a whole number from 1 to 100.",
      bad,
    );
  }
});

test("choices list the allowed values like Synapse", () => {
  assert.equal(parseDirection(q("")), "f");
  assert.equal(parseDirection(q("dir=b")), "b");
  assert.equal(
    code(() => parseDirection(q("dir=x"))),
    "invalid_param: Query parameter 'dir' must be one of ['b', 'f']",
  );
  assert.equal(
    code(() => parseChoice(q("o=z"), "o", ["a", "b"] as const, "a")),
    "invalid_param: Query parameter 'o' must be one of ['a', 'b']",
  );
});

test("cursors of our own API: absent is null, whole numbers exact, clamped to 64 bits; anything else refused", () => {
  assert.equal(parseCursor(q(""), "before"), null);
  assert.equal(parseCursor(q("before=0"), "before"), 0n);
  assert.equal(parseCursor(q("before=9007199254740993"), "before"), 9007199254740993n);
  assert.equal(parseCursor(q("before=99999999999999999999999"), "before"), 9223372036854775807n);
  for (const bad of ["2.5", "-1", "1e2", "0x10", "ten", ""]) {
    assert.equal(
      code(() => parseCursor(q(`before=${bad}`), "before")),
      "invalid_param: Query parameter before must be a whole number.",
      bad,
    );
  }
});
