import { test } from "node:test";
import assert from "node:assert/strict";
import { toJson } from "./json";

test("bigints above 2^53 are written digit for digit", () => {
  assert.equal(
    toJson({ a: 9223372036854775807n, b: 9007199254740993n }),
    '{"a":9223372036854775807,"b":9007199254740993}',
  );
});

test("matches JSON.stringify for ordinary values and drops undefined keys", () => {
  const v = { s: 'x"\u0001é', n: 1.5, t: true, z: null, arr: [1, "a", null], o: { k: -3 } };
  assert.equal(toJson(v), JSON.stringify(v));
  assert.equal(toJson({ a: undefined, b: 1 }), '{"b":1}');
});
