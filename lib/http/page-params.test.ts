import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { firstValue, parseSearchParams, searchParamsRecord } from "./page-params";

test("URLSearchParams become the record Next passes: a repeated name is an array", () => {
  assert.deepEqual(searchParamsRecord(new URLSearchParams("a=1&b=2&a=3&c=")), { a: ["1", "3"], b: "2", c: "" });
});

test("firstValue reads the first of a repeated parameter", () => {
  const schema = z.object({ a: firstValue(z.string().catch("none")) });
  assert.deepEqual(parseSearchParams(schema, new URLSearchParams("a=1&a=2")), { a: "1" });
  assert.deepEqual(parseSearchParams(schema, { a: [] }), { a: "none" });
  assert.deepEqual(parseSearchParams(schema, {}), { a: "none" });
});
