import { test } from "node:test";
import assert from "node:assert/strict";
import { destinationFromSegment, parseDetailQuery, previousRoomsFrom, roomsHref } from "./detail-query";

const p = (s: string) => parseDetailQuery(new URLSearchParams(s));

test("defaults, and both fields read", () => {
  assert.deepEqual(p(""), { roomsFrom: 0n, roomsDir: "f" });
  assert.deepEqual(p("rooms_from=100&rooms_dir=b"), { roomsFrom: 100n, roomsDir: "b" });
  assert.deepEqual(p("rooms_from=999999999999"), { roomsFrom: 999999999999n, roomsDir: "f" });
});

test("bad values fall back to the defaults, never an error", () => {
  for (const bad of ["-1", "1e3", " 5", "", "abc", "1000000000000", "0x10"])
    assert.equal(p(`rooms_from=${encodeURIComponent(bad)}`).roomsFrom, 0n, bad);
  assert.equal(p("rooms_dir=f").roomsDir, "f");
  assert.equal(p("rooms_dir=B").roomsDir, "f");
  assert.equal(p("rooms_dir=backwards").roomsDir, "f");
  // A repeated parameter is not a single value: the default, as before.
  assert.deepEqual(parseDetailQuery({ rooms_from: ["50", "100"], rooms_dir: ["b", "b"] }), {
    roomsFrom: 0n,
    roomsDir: "f",
  });
});

test("room page links: defaults left out, always to #rooms", () => {
  assert.equal(roomsHref("a.example:8448", { roomsFrom: 0n, roomsDir: "f" }), "/destinations/a.example%3A8448?#rooms");
  assert.equal(roomsHref("a", { roomsFrom: 50n, roomsDir: "b" }), "/destinations/a?rooms_from=50&rooms_dir=b#rooms");
  assert.equal(roomsHref("a", { roomsFrom: 0n, roomsDir: "b" }), "/destinations/a?rooms_dir=b#rooms");
  assert.equal(previousRoomsFrom(120n), 70n);
  assert.equal(previousRoomsFrom(50n), 0n);
  assert.equal(previousRoomsFrom(20n), 0n);
});

test("the path segment: decoded, or taken literally when malformed", () => {
  assert.equal(destinationFromSegment("a.example%3A8448"), "a.example:8448");
  assert.equal(destinationFromSegment("bad%E0%A4%A"), "bad%E0%A4%A");
});
