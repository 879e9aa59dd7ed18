import { test } from "node:test";
import assert from "node:assert/strict";
import { copyField, parseCopyText, sqlLiteral } from "./copy-rows";

test("COPY text format: \\N is NULL, escapes undone, rows and fields split", () => {
  assert.equal(copyField("\\N"), null);
  assert.equal(copyField("a\\\\N"), "a\\N");
  assert.equal(copyField("\\\\N"), "\\N");
  assert.equal(copyField("x\\ty\\nz\\r\\b\\f\\v\\\\"), "x\ty\nz\r\b\f\v\\");
  assert.deepEqual(parseCopyText(""), []);
  assert.deepEqual(parseCopyText("a\t\\N\t1\nb\\tc\t\t2\n"), [
    ["a", null, "1"],
    ["b\tc", "", "2"],
  ]);
});

test("literals for COPY: quotes doubled, backslashes escaped in an E'' string", () => {
  assert.equal(sqlLiteral("it's"), "E'it''s'");
  assert.equal(sqlLiteral("a\\b"), "E'a\\\\b'");
});
