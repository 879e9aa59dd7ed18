import { test } from "node:test";
import assert from "node:assert/strict";
import { formatDuration, formatInteger, formatRelative, formatTimestamp } from "./humanize";

test("formatDuration: two largest units, no zero filler", () => {
  assert.equal(formatDuration(0), "0 ms");
  assert.equal(formatDuration(350), "350 ms");
  assert.equal(formatDuration(45_000), "45 s");
  assert.equal(formatDuration(600_000), "10 min");
  assert.equal(formatDuration(9_000_000n), "2 h 30 min");
  assert.equal(formatDuration(604_800_000n), "7 d");
  assert.equal(formatDuration(86_400_000 * 2 + 180_000), "2 d");
  assert.equal(formatDuration(18_639_586n), "5 h 10 min");
  assert.equal(formatDuration(-61_000), "-1 min 1 s");
});

test("formatRelative: future, past, now", () => {
  const now = 1_800_000_000_000;
  assert.equal(formatRelative(now + 12 * 60_000 + 30_000, now), "in 12 min");
  assert.equal(formatRelative(now - 3 * 3_600_000 - 1, now), "3 h ago");
  assert.equal(formatRelative(now + 2_000, now), "now");
  assert.equal(formatRelative(now - 30_000, now), "30 s ago");
  assert.equal(formatRelative(BigInt(now) + 172_800_000n, BigInt(now)), "in 2 d");
});

test("formatTimestamp: UTC to the second; out-of-range values as raw ms", () => {
  assert.equal(formatTimestamp(1_759_927_471_863n), "2025-10-08 12:44:31 UTC");
  assert.equal(formatTimestamp(9223372036854775807n), "9223372036854775807 ms");
});

test("formatInteger: exact thousands separators", () => {
  assert.equal(formatInteger(1910209), "1,910,209");
  assert.equal(formatInteger(9223372036854775807n), "9,223,372,036,854,775,807");
  assert.equal(formatInteger(12), "12");
});
