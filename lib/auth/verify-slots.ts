// A bound on password verifications in flight per process. Each argon2id verification costs
// ~100–200 ms of CPU on the libuv thread pool (4 threads by default) and 19 MiB of memory
// (m=19456 KiB): without a bound, a burst of sign-ins (each unknown account costs one too)
// queues unboundedly there, delays every other request that needs the pool, and 100 at once
// would hold ~2 GB. At most MAX_IN_FLIGHT run at once; the next few wait up
// to MAX_WAIT_MS for a slot; the rest are refused at once (429 with retry_after_ms).

export const MAX_IN_FLIGHT = 4;
export const MAX_WAITING = 32;
export const MAX_WAIT_MS = 2_000;

type Slots = { active: number; waiting: (() => void)[] };

// One set of slots per process, shared by every bundle of the Next server (hence globalThis).
const g = globalThis as { __fedconsoleVerifySlots?: Slots };
g.__fedconsoleVerifySlots ??= { active: 0, waiting: [] };
const slots: Slots = g.__fedconsoleVerifySlots;

export type SlotOutcome<T> = { ok: true; value: T } | { ok: false; retryAfterMs: number };

function release(): void {
  const next = slots.waiting.shift();
  if (next)
    next(); // the slot passes to the next waiter directly
  else slots.active--;
}

function acquire(): Promise<boolean> {
  if (slots.active < MAX_IN_FLIGHT) {
    slots.active++;
    return Promise.resolve(true);
  }
  if (slots.waiting.length >= MAX_WAITING) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const granted = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      const i = slots.waiting.indexOf(granted);
      if (i >= 0) slots.waiting.splice(i, 1);
      resolve(false);
    }, MAX_WAIT_MS);
    slots.waiting.push(granted);
  });
}

/** Runs `verify` in a slot, or says how long to wait when none came free in time. */
export async function withVerifySlot<T>(verify: () => Promise<T>): Promise<SlotOutcome<T>> {
  if (!(await acquire())) return { ok: false, retryAfterMs: MAX_WAIT_MS };
  try {
    return { ok: true, value: await verify() };
  } finally {
    release();
  }
}

/** Verifications running and waiting now (tests). */
export const verifySlotUse = () => ({ active: slots.active, waiting: slots.waiting.length });
