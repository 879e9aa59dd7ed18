import assert from "node:assert/strict";
import { test } from "node:test";
import { Coalescer, type CoalescerClock } from "./coalescer";

/** A clock whose time moves only when the test says so. */
function fakeClock() {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  const clock: CoalescerClock = {
    now: () => now,
    setTimer: (fn, ms) => {
      const id = next++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimer: (id) => {
      timers = timers.filter((t) => t.id !== id);
    },
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const t = timers[0];
      if (!t || t.at > end) break;
      timers.shift();
      now = t.at;
      t.fn();
    }
    now = end;
  };
  return { clock, advance, pending: () => timers.length };
}

test("a burst of changes is flushed once, after the short delay", () => {
  const { clock, advance } = fakeClock();
  const flushes: number[] = [];
  const c = new Coalescer(() => void flushes.push(clock.now()), 1000, 50, clock);
  for (let i = 0; i < 300; i++) c.poke();
  advance(49);
  assert.deepEqual(flushes, []);
  advance(1);
  assert.deepEqual(flushes, [50]);
});

test("changes arriving all the time are flushed at most once per interval", () => {
  const { clock, advance } = fakeClock();
  const flushes: number[] = [];
  const c = new Coalescer(() => void flushes.push(clock.now()), 1000, 50, clock);
  // 300 changes a second for 5 seconds.
  for (let t = 0; t < 5000; t += 3) {
    c.poke();
    advance(3);
  }
  advance(2000);
  assert.ok(flushes.length >= 5 && flushes.length <= 6, `flushes: ${flushes}`);
  for (let i = 1; i < flushes.length; i++) assert.ok(flushes[i] - flushes[i - 1] >= 1000, `too close: ${flushes}`);
  // Every change was followed by a flush within interval + delay.
  assert.ok(flushes[flushes.length - 1] >= 4998);
});

test("a change after a quiet time goes out after the delay, not the interval", () => {
  const { clock, advance } = fakeClock();
  const flushes: number[] = [];
  const c = new Coalescer(() => void flushes.push(clock.now()), 1000, 50, clock);
  c.poke();
  advance(5000);
  c.poke();
  advance(50);
  assert.deepEqual(flushes, [50, 5050]);
});

test("stop cancels a pending flush", () => {
  const { clock, advance, pending } = fakeClock();
  let n = 0;
  const c = new Coalescer(() => void n++, 1000, 50, clock);
  c.poke();
  c.stop();
  advance(5000);
  assert.equal(n, 0);
  assert.equal(pending(), 0);
});

test("a slow flush is not overlapped; what changed meanwhile goes out after it", async () => {
  const { clock, advance } = fakeClock();
  const log: string[] = [];
  let finish!: () => void;
  const c = new Coalescer(
    () => {
      log.push(`start ${clock.now()}`);
      return new Promise<void>((r) => {
        finish = () => {
          log.push(`end ${clock.now()}`);
          r();
        };
      });
    },
    1000,
    50,
    clock,
  );
  c.poke();
  advance(50);
  c.poke(); // during the flush
  advance(3000);
  assert.deepEqual(log, ["start 50"]);
  finish();
  await new Promise((r) => setImmediate(r));
  advance(50);
  assert.deepEqual(log, ["start 50", "end 3050", "start 3100"]);
});
