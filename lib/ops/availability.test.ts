import assert from "node:assert/strict";
import { test } from "node:test";
import { formatShare } from "./availability";

test("shares are shown to one decimal and never round a failure away", () => {
  assert.equal(formatShare(0, 0), "—");
  assert.equal(formatShare(1, 2), "50.0 %");
  assert.equal(formatShare(2, 3), "66.7 %");
  assert.equal(formatShare(9999, 10000), "99.9 %");
  assert.equal(formatShare(1, 10000), "0.1 %");
  assert.equal(formatShare(5, 5), "100.0 %");
  assert.equal(formatShare(0, 5), "0.0 %");
});
