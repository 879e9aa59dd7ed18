import { test } from "node:test";
import assert from "node:assert/strict";
import { toJson } from "./json";

test("bigints above 2^53 are written digit for digit", () => {
  assert.equal(
    toJson({ a: 9223372036854775807n, b: 9007199254740993n }),
    '{"a":9223372036854775807,"b":9007199254740993}',
  );
});

test("matches JSON.stringify for ASCII values, keeps key order and drops undefined keys", () => {
  const v = { s: 'x"\u0001\\\n\t', n: 1.5, t: true, z: null, arr: [1, "a", null], o: { k: -3 }, e: "" };
  assert.equal(toJson(v), JSON.stringify(v));
  assert.equal(toJson({ a: undefined, b: 1 }), '{"b":1}');
  assert.equal(toJson(Object.assign(Object.create({ inherited: 1 }), { own: 2 })), '{"own":2}');
});

test("non-ASCII is written as \\uXXXX exactly as Synapse's encoder does (Python's ensure_ascii)", () => {
  // python3 -c 'import json; print(json.JSONEncoder(allow_nan=False, separators=(",",":")).encode(…))'
  assert.equal(
    toJson({ s: 'münchen 🙂 例え \u007f \u0001 "q" \\' }),
    '{"s":"m\\u00fcnchen \\ud83d\\ude42 \\u4f8b\\u3048 \\u007f \\u0001 \\"q\\" \\\\"}',
  );
  assert.equal(toJson("\ud800"), '"\\ud800"', "a lone surrogate stays escaped");
  assert.equal(JSON.parse(toJson({ d: "🙂.example" })).d, "🙂.example");
});
