import { test } from "node:test";
import assert from "node:assert/strict";
import { JsonNumber, parseJsonExact } from "./exact-json";
import { formatRecord, parseRecord, RecordError } from "./jsonl-record";

const MAX = "9223372036854775807";
const MIN = "-9223372036854775808";

function err(line: string): string {
  try {
    parseRecord(line);
  } catch (e) {
    assert.ok(e instanceof RecordError, `expected RecordError, got ${e}`);
    return e.message;
  }
  assert.fail(`expected ${line} to be rejected`);
}

test("parses a full record with exact integers", () => {
  const r = parseRecord(
    `{"destination":"matrix.org","retry_last_ts":${MAX},"retry_interval":9007199254740993,` +
      `"failure_ts":1700000000000,"last_successful_stream_ordering":${MIN},` +
      `"rooms":[{"room_id":"!a:matrix.org","stream_ordering":9007199254740993}]}`,
  );
  assert.deepEqual(r, {
    destination: "matrix.org",
    retryLastTs: 9223372036854775807n,
    retryInterval: 9007199254740993n,
    failureTs: 1700000000000n,
    lastSuccessfulStreamOrdering: -9223372036854775808n,
    rooms: [{ roomId: "!a:matrix.org", streamOrdering: 9007199254740993n }],
  });
});

test("defaults: null/absent timings are 0, nullable fields null, rooms undefined", () => {
  assert.deepEqual(parseRecord(`{"destination":"a.example"}`), {
    destination: "a.example",
    retryLastTs: 0n,
    retryInterval: 0n,
    failureTs: null,
    lastSuccessfulStreamOrdering: null,
    rooms: undefined,
  });
  const r = parseRecord(
    `{"destination":"a","retry_last_ts":null,"retry_interval":null,"failure_ts":null,"last_successful_stream_ordering":null,"rooms":null}`,
  );
  assert.equal(r.retryLastTs, 0n);
  assert.equal(r.retryInterval, 0n);
  assert.equal(r.rooms, undefined);
  assert.deepEqual(parseRecord(`{"destination":"a","rooms":[]}`).rooms, []);
});

test("round trip: 2^63-1, 2^53+1, negatives, escapes, field order", () => {
  const row = {
    destination: 'we\u00efrd"\\name\u2028.example:8448',
    retryLastTs: 9223372036854775807n,
    retryInterval: 9007199254740993n,
    failureTs: 9007199254740993n,
    lastSuccessfulStreamOrdering: -5n,
    rooms: [
      { roomId: "!x:y", streamOrdering: 9223372036854775807n },
      { roomId: "!😀:y", streamOrdering: -9223372036854775808n },
    ],
  };
  const line = formatRecord(row);
  assert.ok(line.includes(`"retry_last_ts":9223372036854775807`));
  assert.ok(line.includes(`"retry_interval":9007199254740993`));
  assert.ok(!line.includes("\n"));
  assert.deepEqual(parseRecord(line), row);
  assert.deepEqual(
    [...(parseJsonExact(line) as Map<string, unknown>).keys()],
    ["destination", "retry_last_ts", "retry_interval", "failure_ts", "last_successful_stream_ordering", "rooms"],
  );
  // The rooms argument overrides row.rooms; without rooms there is no rooms key.
  assert.equal(
    formatRecord({ ...row, rooms: undefined }),
    `{"destination":${JSON.stringify(row.destination)},"retry_last_ts":9223372036854775807,"retry_interval":9007199254740993,"failure_ts":9007199254740993,"last_successful_stream_ordering":-5}`,
  );
  assert.ok(formatRecord({ ...row, rooms: undefined }, []).endsWith(`"rooms":[]}`));
});

test("2^53+1 is not rounded (JSON.parse would give 2^53)", () => {
  const line = `{"destination":"a","failure_ts":9007199254740993}`;
  assert.equal(JSON.parse(line).failure_ts, 9007199254740992);
  assert.equal(parseRecord(line).failureTs, 9007199254740993n);
});

test("rejects out-of-range, floats, exponents, strings as numbers", () => {
  assert.match(err(`{"destination":"a","retry_last_ts":9223372036854775808}`), /retry_last_ts is out of range/);
  assert.match(err(`{"destination":"a","failure_ts":-9223372036854775809}`), /failure_ts is out of range/);
  assert.match(err(`{"destination":"a","failure_ts":123456789012345678901234567890}`), /out of range/);
  assert.match(err(`{"destination":"a","retry_last_ts":-1}`), /retry_last_ts is out of range \(must be between 0 and/);
  assert.match(err(`{"destination":"a","retry_interval":-1}`), /retry_interval is out of range/);
  assert.match(
    err(`{"destination":"a","retry_interval":1.5}`),
    /retry_interval must be an integer \(no fraction or exponent\), got 1.5/,
  );
  assert.match(err(`{"destination":"a","retry_interval":1.0}`), /must be an integer/);
  assert.match(err(`{"destination":"a","retry_interval":1e3}`), /must be an integer/);
  assert.match(
    err(`{"destination":"a","retry_interval":"5"}`),
    /retry_interval must be an integer, got a string \("5"\)/,
  );
  assert.match(err(`{"destination":"a","retry_interval":true}`), /must be an integer, got true/);
  assert.match(
    err(`{"destination":"a","rooms":[{"room_id":"!r:a","stream_ordering":null}]}`),
    /rooms\[0\]\.stream_ordering must be an integer, got null/,
  );
  // Not JSON at all.
  assert.match(err(`{"destination":"a","retry_interval":01}`), /invalid JSON/);
  assert.match(err(`{"destination":"a","retry_interval":+1}`), /invalid JSON/);
  assert.match(err(`{"destination":"a","retry_interval":NaN}`), /invalid JSON/);
  assert.match(err(`{"destination":"a","retry_interval":-}`), /invalid JSON/);
});

test("validates destination and room ids", () => {
  assert.match(err(`{"retry_last_ts":0}`), /destination is required/);
  assert.match(err(`{"destination":""}`), /destination must not be empty/);
  assert.match(err(`{"destination":5}`), /destination must be a string, got 5/);
  assert.match(err(`{"destination":null}`), /destination must be a string, got null/);
  assert.match(err(`{"destination":"a\\u0000b"}`), /destination contains a control character \(\\u0000\)/);
  assert.match(err(`{"destination":"a\\nb"}`), /control character/);
  assert.match(err(`{"destination":"a\\u007fb"}`), /control character/);
  assert.match(err(`{"destination":"a\\ud800b"}`), /unpaired surrogate/);
  assert.equal(parseRecord(`{"destination":"a\\ud83d\\ude00b"}`).destination, "a😀b");
  assert.equal(parseRecord(JSON.stringify({ destination: "x".repeat(255) })).destination.length, 255);
  assert.match(err(JSON.stringify({ destination: "x".repeat(256) })), /destination is longer than 255 bytes/);
  assert.match(err(JSON.stringify({ destination: "é".repeat(128) })), /longer than 255 bytes/); // 256 bytes
  assert.match(err(`{"destination":"a","rooms":{}}`), /rooms must be an array, got an object/);
  assert.match(err(`{"destination":"a","rooms":[5]}`), /rooms\[0\] must be an object, got 5/);
  assert.match(err(`{"destination":"a","rooms":[{"stream_ordering":1}]}`), /rooms\[0\]\.room_id is required/);
  assert.match(err(`{"destination":"a","rooms":[{"room_id":"!a:b"}]}`), /rooms\[0\]\.stream_ordering is required/);
  assert.match(
    err(`{"destination":"a","rooms":[{"room_id":"","stream_ordering":1}]}`),
    /rooms\[0\]\.room_id must not be empty/,
  );
  assert.match(
    err(JSON.stringify({ destination: "a", rooms: [{ room_id: "!".repeat(256), stream_ordering: 1 }] })),
    /room_id is longer than 255 bytes/,
  );
  assert.match(
    err(`{"destination":"a","rooms":[{"room_id":"!a:b","stream_ordering":1},{"room_id":"!a:b","stream_ordering":2}]}`),
    /rooms\[1\]: duplicate room_id "!a:b"/,
  );
});

test("rejects unknown fields with the list of allowed ones", () => {
  assert.match(
    err(`{"destination":"a","retry_last_tz":0}`),
    /unknown field "retry_last_tz" \(allowed: destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering, rooms\)/,
  );
  assert.match(
    err(`{"destination":"a","rooms":[{"room_id":"!a:b","stream_ordering":1,"x":1}]}`),
    /unknown field "x" in rooms\[0\]/,
  );
  assert.match(err(`{"destination":"a","__proto__":1}`), /unknown field "__proto__"/);
});

test("rejects malformed JSON and non-objects", () => {
  assert.match(err(`[1,2]`), /a line must be a JSON object, got an array/);
  assert.match(err(`"a"`), /must be a JSON object/);
  assert.match(err(`{"destination":"a"`), /invalid JSON at column 19: expected .,. or .}./);
  assert.match(err(`{"destination":"a"} x`), /unexpected data after the JSON value/);
  assert.match(err(`{"destination":"a","destination":"b"}`), /duplicate key "destination"/);
  assert.match(err(`{"destination":"a\tb"}`), /control character in string/);
  assert.match(err(`{"destination":"a\\xb"}`), /invalid escape/);
  assert.match(err(`{"destination":"a\\u12"}`), /invalid \\u escape/);
  assert.match(err(`{"destination":"abc`), /unterminated string/);
  assert.match(err(`{destination:"a"}`), /expected a string key/);
  assert.match(err(`{"destination":"a",}`), /expected a string key/);
  assert.match(err(`{"destination":tru}`), /unexpected token/);
  assert.match(err(``), /unexpected end of line/);
  assert.match(err("[".repeat(100)), /nested too deeply/);
});

test("exact parser: whitespace, nesting, escapes", () => {
  const v = parseJsonExact(` { "a" : [ 1 , -0 , 2.5e-3 , true , false , null , "\\u00e9\\/\\b" ] , "b" : { } } `);
  assert.ok(v instanceof Map);
  const a = v.get("a") as unknown[];
  assert.deepEqual(a.slice(0, 3), [new JsonNumber("1"), new JsonNumber("-0"), new JsonNumber("2.5e-3")]);
  assert.deepEqual(a.slice(3), [true, false, null, "é/\b"]);
  assert.deepEqual(v.get("b"), new Map());
  const r = parseRecord(` {"destination" : "a" , "retry_last_ts" : -0 }\r`);
  assert.equal(r.retryLastTs, 0n);
});
