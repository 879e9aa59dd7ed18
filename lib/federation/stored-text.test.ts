import { test } from "node:test";
import assert from "node:assert/strict";
import { STORED_TEXT_MAX, storedText } from "./stored-text";

test("NULs are removed, the rest kept", () => {
  assert.equal(storedText("Fake\0Synapse\0"), "FakeSynapse");
  assert.equal(storedText(null), null);
  assert.equal(storedText(""), "");
});

test("long text is cut to the maximum, ending in an ellipsis", () => {
  const cut = storedText("x".repeat(10_000));
  assert.equal(cut.length, STORED_TEXT_MAX);
  assert.ok(cut.endsWith("…"));
  assert.equal(storedText("y".repeat(STORED_TEXT_MAX)), "y".repeat(STORED_TEXT_MAX));
  assert.equal(storedText("abcdef", 4), "abc…");
});

test("characters outside the BMP count once and are never split", () => {
  const emoji = "😀".repeat(STORED_TEXT_MAX); // 2 UTF-16 units each
  assert.equal(storedText(emoji), emoji);
  const cut = storedText("😀".repeat(STORED_TEXT_MAX + 5));
  assert.equal(Array.from(cut).length, STORED_TEXT_MAX);
  assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(cut), "no lone high surrogate");
});
