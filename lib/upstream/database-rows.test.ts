import { test } from "node:test";
import assert from "node:assert/strict";
import { parseServerName } from "../federation/server-name";
import { roomsOf, serverNameProblem, toDestination, toRoom } from "./database-rows";
import type { UpstreamProblem } from "./types";

test("destination rows: NULL timings are 0, BIGINT text stays exact, bad names and negative timings are refused", () => {
  const problems: UpstreamProblem[] = [];
  assert.deepEqual(toDestination(["a.example", null, null, null, null], problems), {
    destination: "a.example",
    retryLastTs: 0n,
    retryInterval: 0n,
    failureTs: null,
    lastSuccessfulStreamOrdering: null,
  });
  const big = toDestination(
    ["[::1]:8448", "9007199254740993", "9223372036854775807", "-9223372036854775808", "1"],
    problems,
  );
  assert.deepEqual(
    [big?.retryLastTs, big?.retryInterval, big?.failureTs],
    [9007199254740993n, 9223372036854775807n, -9223372036854775808n],
  );
  assert.equal(problems.length, 0);
  for (const name of ["", "bad name", "under_score.org", "::1", "example.org:99999", "x.123"]) {
    assert.equal(toDestination([name, null, null, null, null], problems), null, name);
  }
  assert.equal(toDestination(["n.example", "-1", "0", null, null], problems), null);
  assert.equal(toDestination(["n.example", "0", "-5", null, null], problems), null);
  assert.equal(toDestination(["n.example", "1.5", "0", null, null], problems), null);
  assert.equal(problems.length, 9);
  assert.deepEqual(problems[1], {
    where: 'destination "bad name"',
    message: 'invalid server name "bad name": contains whitespace or control characters',
  });
  assert.match(problems[6].message, /negative retry timings \(retry_last_ts -1, retry_interval 0\)/);
});

test("rooms: every row gets an entry, rooms of refused destinations are dropped, empty room ids refused", () => {
  const problems: UpstreamProblem[] = [];
  const rows = ["a.example", "b.example"].map((d) => toDestination([d, null, null, null, null], problems));
  const map = roomsOf(
    rows.filter((r) => r !== null),
    [
      ["b.example", "!x:a", "-3"],
      ["b.example", "", "1"],
      ["bad name", "!y:a", "1"],
    ],
    problems,
  );
  assert.deepEqual(Object.fromEntries(map), {
    "a.example": [],
    "b.example": [{ roomId: "!x:a", streamOrdering: -3n }],
  });
  assert.deepEqual(problems, [{ where: 'room "" of destination "b.example"', message: "empty room_id" }]);
  assert.equal(toRoom(["b.example", "!z:a", "x"], problems), null);
});

test("the fast server-name check agrees with parseServerName", () => {
  const names = [
    "matrix.org",
    "matrix.org:8448",
    "a",
    "localhost:1",
    "x-y.z0:65535",
    "example.org:0",
    "example.org:65536",
    "example.org:00080",
    "1.2.3.4",
    "1.2.3.4:80",
    "1.2.3",
    "x.123",
    "x.1a",
    "[::1]:8448",
    "-a.b",
    "a..b",
    ".a",
    "a.",
    `${"a".repeat(63)}.org`,
    `${"a".repeat(64)}.org`,
    `${"abcdefghi.".repeat(25)}abcdef`,
    `${"abcdefghi.".repeat(25)}abcdefg`,
    "under_score.org",
    "tab\there",
    "é.org",
  ];
  for (const name of names) {
    let expected: string | null = null;
    try {
      parseServerName(name);
    } catch (e) {
      expected = (e as Error).message;
    }
    assert.equal(serverNameProblem(name), expected, name);
  }
});
