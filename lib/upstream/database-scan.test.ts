import { test } from "node:test";
import assert from "node:assert/strict";
import { compareBytes } from "./database-scan";

test("byte order of UTF-8, not UTF-16 code units", () => {
  assert.equal(compareBytes("B.example", "a.example"), -1);
  assert.equal(compareBytes("a", "a"), 0);
  assert.equal(compareBytes("b", "a"), 1);
  // U+FF61 is FF61 in UTF-16 but EF BD A1 in UTF-8; U+1F600 is D83D DE00 but F0 9F 98 80.
  assert.ok("\uff61" > "\u{1f600}", "JS compares code units");
  assert.equal(compareBytes("\uff61", "\u{1f600}"), -1, "UTF-8 bytes put U+FF61 first");
});
