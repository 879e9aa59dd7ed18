// At most one flush per interval, and a short delay before each so that a burst of changes
// (a scheduler tick claiming and recording dozens of attempts) goes out as one update: a page
// hears about a change within interval + delay, and never more than once per interval.
export type CoalescerClock = {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(t: unknown): void;
};

const REAL_CLOCK: CoalescerClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimer: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
};

export class Coalescer {
  private last = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private armed = false;

  constructor(
    private readonly flush: () => void,
    private readonly intervalMs: number,
    private readonly delayMs: number,
    private readonly clock: CoalescerClock = REAL_CLOCK,
  ) {}

  /** Something changed: flush it at the earliest time the interval allows. */
  poke(): void {
    if (this.armed) return;
    this.armed = true;
    const now = this.clock.now();
    const at = Math.max(this.last + this.intervalMs, now + this.delayMs);
    this.timer = this.clock.setTimer(() => {
      this.armed = false;
      this.last = this.clock.now();
      this.flush();
    }, at - now);
  }

  stop(): void {
    if (this.armed) this.clock.clearTimer(this.timer);
    this.armed = false;
  }
}
