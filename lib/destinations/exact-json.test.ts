import { test } from "node:test";
import assert from "node:assert/strict";
import { JsonNumber, JsonSyntaxError, parseJsonExact } from "./exact-json";

test("numbers keep their digits; objects are Maps without prototype keys", () => {
  const v = parseJsonExact(`{"n":9223372036854775807,"m":-1.5e300,"__proto__":[]}`);
  assert.ok(v instanceof Map);
  assert.deepEqual(v.get("n"), new JsonNumber("9223372036854775807"));
  assert.deepEqual(v.get("m"), new JsonNumber("-1.5e300"));
  assert.deepEqual(v.get("__proto__"), []);
});

test("invalid JSON throws JsonSyntaxError with the column", () => {
  assert.throws(
    () => parseJsonExact(`{"a":1,"a":2}`),
    (e: unknown) => e instanceof JsonSyntaxError && /^invalid JSON at column 8: duplicate key "a"$/.test(e.message),
  );
  assert.throws(() => parseJsonExact(`[01]`), JsonSyntaxError);
  assert.throws(() => parseJsonExact(`1.`), /invalid number/);
  assert.throws(() => parseJsonExact(`{"a":1} 2`), /unexpected data after the JSON value/);
});
