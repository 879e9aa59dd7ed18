import { test } from "node:test";
import assert from "node:assert/strict";
import { parseNonNegativeInteger, parseChoice, parseDirection } from "./params";
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
