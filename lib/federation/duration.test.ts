import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDuration } from "./duration";

test("bare integer is milliseconds", () => {
  assert.equal(parseDuration("500", "X"), 500);
  assert.equal(parseDuration("0", "X"), 0);
});

test("suffixes s m h d w y", () => {
  const cases: { raw: string; ms: number }[] = [
    { raw: "30s", ms: 30_000 },
    { raw: "10m", ms: 600_000 },
    { raw: "2h", ms: 7_200_000 },
    { raw: "7d", ms: 604_800_000 },
    { raw: "1w", ms: 604_800_000 },
    { raw: "1y", ms: 31_536_000_000 },
  ];
  for (const { raw, ms } of cases) assert.equal(parseDuration(raw, "X"), ms, raw);
});

test("surrounding whitespace is ignored", () => {
  assert.equal(parseDuration(" 10m\n", "X"), 600_000);
});

test("bad input throws naming the setting", () => {
  for (const raw of ["", "m", "10x", "1.5h", "-5", "10 m", "10ms", "1e3", "0x10", "ten"]) {
    assert.throws(
      () => parseDuration(raw, "FEDERATION_MIN_RETRY_INTERVAL"),
      (err: unknown) =>
        err instanceof Error &&
        err.message.startsWith("FEDERATION_MIN_RETRY_INTERVAL must be a duration") &&
        err.message.includes(`"${raw}"`),
      raw,
    );
  }
});

test("values beyond 2^53 ms are rejected rather than rounded", () => {
  assert.throws(() => parseDuration("9999999999y", "MAX"), /MAX is too large/);
  assert.throws(() => parseDuration("99999999999999999", "MAX"), /MAX is too large/);
  assert.equal(parseDuration("9007199254740991", "MAX"), Number.MAX_SAFE_INTEGER);
});
