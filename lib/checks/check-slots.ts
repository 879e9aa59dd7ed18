// How many checks one process runs at once; the rest wait their turn (in order). A check is
// mostly waiting on the network, but its TLS handshakes, certificate parsing and signature
// checks run on the event loop the console and API share: bounding them keeps pages
// responsive when many checks are asked for together (bench/checks.ts measures it).
export const CHECKS_AT_ONCE = 4;

// One count per process, shared by every bundle of the Next server and the API router (hence globalThis).
type Slots = { running: number; waiting: (() => void)[] };
const g = globalThis as { __fedconsoleCheckSlots?: Slots };
g.__fedconsoleCheckSlots ??= { running: 0, waiting: [] };
const slots: Slots = g.__fedconsoleCheckSlots;

export async function withCheckSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (slots.running >= CHECKS_AT_ONCE) await new Promise<void>((resolve) => slots.waiting.push(resolve));
  else slots.running++;
  try {
    return await fn();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.running--;
  }
}
