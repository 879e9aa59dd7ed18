// At most one flush per interval, and a short delay before each so that a burst of changes
// (a scheduler tick claiming and recording dozens of attempts) goes out as one update: a page
// hears about a change within interval + delay, and never more than once per interval. A flush
// that takes long (a slow database) is never overlapped by the next one: changes heard
// meanwhile go out in the flush after it, so an older read never overtakes a newer one.
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
  private running = false;
  private again = false;

  constructor(
    private readonly flush: () => void | Promise<void>,
    private readonly intervalMs: number,
    private readonly delayMs: number,
    private readonly clock: CoalescerClock = REAL_CLOCK,
  ) {}

  /** Something changed: flush it at the earliest time the interval allows. */
  poke(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.armed) return;
    this.armed = true;
    const now = this.clock.now();
    const at = Math.max(this.last + this.intervalMs, now + this.delayMs);
    this.timer = this.clock.setTimer(() => this.run(), at - now);
  }

  private run(): void {
    this.armed = false;
    this.running = true;
    this.last = this.clock.now();
    const done = () => {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    };
    let r: void | Promise<void>;
    try {
      r = this.flush();
    } catch {
      r = undefined; // the flush reports its own failures
    }
    if (r instanceof Promise) r.then(done, done);
    else done();
  }

  stop(): void {
    if (this.armed) this.clock.clearTimer(this.timer);
    this.armed = false;
  }
}
