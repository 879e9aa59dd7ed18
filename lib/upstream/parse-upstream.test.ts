import { test } from "node:test";
import assert from "node:assert/strict";
import { parseJsonExact } from "../destinations/exact-json";
import { parseDestinationDetails, parseDestinationsPage, parseRoomsPage } from "./parse-upstream";
import { UpstreamError } from "./types";

const row = (fields: Record<string, string>) =>
  `{${Object.entries({
    destination: '"a.example"',
    retry_last_ts: "0",
    retry_interval: "0",
    failure_ts: "null",
    last_successful_stream_ordering: "null",
    ...fields,
  })
    .map(([k, v]) => `"${k}":${v}`)
    .join(",")}}`;
const page = (rows: string[], tail = `,"total":${rows.length}`) =>
  parseDestinationsPage(parseJsonExact(`{"destinations":[${rows.join(",")}]${tail}}`), "page from=0");

test("a list page: rows, total, next_token (Synapse's string), 64-bit values exact, unknown fields ignored", () => {
  const p = page(
    [
      row({ destination: '"big.example"', retry_last_ts: "9007199254740993", retry_interval: "9223372036854775807" }),
      row({
        destination: '"b.example:8448"',
        failure_ts: "1759466518121",
        last_successful_stream_ordering: "3",
        new: "[]",
      }),
    ],
    ',"total":12,"next_token":"5"',
  );
  assert.deepEqual(p.problems, []);
  assert.equal(p.total, 12n);
  assert.equal(p.nextToken, 5n);
  assert.equal(p.count, 2);
  assert.deepEqual(p.rows[0], {
    destination: "big.example",
    retryLastTs: 9007199254740993n,
    retryInterval: 9223372036854775807n,
    failureTs: null,
    lastSuccessfulStreamOrdering: null,
  });
  assert.equal(p.rows[1].failureTs, 1759466518121n);
  assert.deepEqual(p.keys, ["big.example", "b.example:8448"]);
});

test("older Synapse's null timings read as 0", () => {
  const p = page([row({ retry_last_ts: "null", retry_interval: "null" })]);
  assert.equal(p.rows[0].retryLastTs, 0n);
  assert.equal(p.rows[0].retryInterval, 0n);
});

test("bad rows are skipped, each with a problem naming the row; the rest is kept", () => {
  const bad: [string, RegExp][] = [
    [row({ retry_last_ts: '"5"' }), /retry_last_ts must be an integer, got a string/],
    [row({ retry_interval: "-1" }), /retry_interval must not be negative/],
    [row({ failure_ts: "1.5" }), /failure_ts must be a whole number/],
    [row({ failure_ts: "1e3" }), /failure_ts must be a whole number/],
    [row({ last_successful_stream_ordering: "9223372036854775808" }), /above 2\^63-1/],
    [row({ destination: '"bad name"' }), /invalid server name/],
    [row({ destination: "7" }), /destination must be a string/],
    [
      '{"destination":"a.example","retry_last_ts":0,"retry_interval":0,"failure_ts":null}',
      /last_successful_stream_ordering is missing/,
    ],
    ["[]", /must be an object/],
  ];
  for (const [text, message] of bad) {
    const p = page([row({ destination: '"ok.example"' }), text]);
    assert.equal(p.rows.length, 1, text);
    assert.equal(p.count, 2);
    assert.equal(p.problems.length, 1, text);
    assert.match(p.problems[0].message, message);
    assert.match(p.problems[0].where, /^page from=0, row 1/);
    assert.equal(p.entries[1].row, null);
  }
  const named = page([row({ destination: '"x y"' })]).problems[0];
  assert.equal(named.destination, "x y");
  assert.equal(named.where, 'page from=0, row 0 ("x y")');
});

test("a duplicate name within a page: the second is skipped", () => {
  const p = page([row({}), row({ destination: '"b.example"' }), row({ retry_last_ts: "5" })]);
  assert.deepEqual(
    p.rows.map((r) => r.destination),
    ["a.example", "b.example"],
  );
  assert.equal(p.rows[0].retryLastTs, 0n);
  assert.match(p.problems[0].message, /duplicate of row 0/);
  assert.deepEqual(p.keys, ["a.example", "b.example", "a.example"]);
});

test("a page that is not the expected object is a bad_response", () => {
  for (const text of [
    "[]",
    '{"total":1}',
    '{"destinations":{},"total":1}',
    '{"destinations":[]}',
    '{"destinations":[],"total":-1}',
    '{"destinations":[],"total":"1"}',
    '{"destinations":[],"total":1,"next_token":"x"}',
  ]) {
    assert.throws(
      () => parseDestinationsPage(parseJsonExact(text), "page from=0"),
      (e: unknown) => e instanceof UpstreamError && e.kind === "bad_response" && e.message.startsWith("page from=0: "),
      text,
    );
  }
});

test("details: a valid destination of the asked name", () => {
  const body = parseJsonExact(
    '{"destination":"matrix.org","last_successful_stream_ordering":3606312,"failure_ts":null,"retry_last_ts":0,"retry_interval":0}',
  );
  assert.equal(parseDestinationDetails(body, "matrix.org", "details").lastSuccessfulStreamOrdering, 3606312n);
  assert.throws(() => parseDestinationDetails(body, "other.org", "details"), /details: it describes "matrix.org"/);
  assert.throws(() => parseDestinationDetails(parseJsonExact("{}"), "x.org", "details"), UpstreamError);
});

test("rooms: lenient room IDs, exact orderings, duplicates across pages refused", () => {
  const seen = new Set<string>(["!seen:a"]);
  const long = "!".padEnd(256, "x");
  const p = parseRoomsPage(
    parseJsonExact(
      `{"rooms":[{"room_id":"!a:b","stream_ordering":9223372036854775807},{"room_id":"no-bang","stream_ordering":1},` +
        `{"room_id":"","stream_ordering":1},{"room_id":"a\\u0000b","stream_ordering":1},{"room_id":"${long}","stream_ordering":1},` +
        `{"room_id":"!seen:a","stream_ordering":1},{"room_id":"!n:b","stream_ordering":-1},{"room_id":"\\ud800","stream_ordering":1}],"total":8}`,
    ),
    "rooms from=0",
    seen,
  );
  assert.deepEqual(p.rows, [
    { roomId: "!a:b", streamOrdering: 9223372036854775807n },
    { roomId: "no-bang", streamOrdering: 1n },
  ]);
  assert.deepEqual(
    p.problems.map((x) => x.message),
    [
      "room_id is empty",
      "room_id contains NUL",
      "room_id is longer than 255 bytes",
      'duplicate room "!seen:a"',
      "stream_ordering must not be negative, got -1",
      "room_id contains an unpaired surrogate",
    ],
  );
  assert.ok(seen.has("!a:b"));
});
