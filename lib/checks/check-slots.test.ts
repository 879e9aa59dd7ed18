import { test } from "node:test";
import assert from "node:assert/strict";
import { CHECKS_AT_ONCE, withCheckSlot } from "./check-slots";

test("at most CHECKS_AT_ONCE run together; the others run in order as slots free up", async () => {
  let now = 0;
  let peak = 0;
  const order: number[] = [];
  const job = (i: number) =>
    withCheckSlot(async () => {
      now++;
      peak = Math.max(peak, now);
      await new Promise((r) => setTimeout(r, 5));
      order.push(i);
      now--;
      return i;
    });
  const results = await Promise.all(Array.from({ length: 3 * CHECKS_AT_ONCE }, (_, i) => job(i)));
  assert.equal(peak, CHECKS_AT_ONCE);
  assert.deepEqual(
    results,
    Array.from({ length: 3 * CHECKS_AT_ONCE }, (_, i) => i),
  );
  await assert.rejects(
    withCheckSlot(async () => Promise.reject(new Error("boom"))),
    /boom/,
  );
  assert.equal(await withCheckSlot(async () => "freed"), "freed");
});
