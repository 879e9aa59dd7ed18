// Answers to a large `limit` (Synapse has no cap, so neither do we): above STREAM_MIN_LIMIT a
// page is streamed from a cursor (streamed-page.ts) instead of built in memory. Each such
// answer holds a pooled connection and a snapshot for as long as its client reads, so they are
// bounded: LARGE_PER_CALLER at once per member (all of its tokens together, so minting tokens
// does not raise it), and a third of the pool per process. Beyond that the request is refused
// at once with 429 M_LIMIT_EXCEEDED and retry_after_ms, rather than queued: a client that
// floods cannot pile up waiting requests. Small limits are not counted.
import type { Principal } from "../auth/principal";
import type { PageStream } from "../destinations/types";
import { AppError } from "../errors";
import { settings } from "../settings/settings";
import type { JsonValue } from "./json";
import type { ApiAnswer } from "./respond";
import { streamedPageAnswer } from "./streamed-page";

/** Limits above this are streamed; up to it, the one-statement fast path builds the page. */
export const STREAM_MIN_LIMIT = 1_000n;
/** Streamed answers in progress at once per member. */
export const LARGE_PER_CALLER = 2;
/** How long a refused caller is told to wait. */
export const RETRY_AFTER_MS = 1_000;

const perCaller = new Map<string, number>();
let inProcess = 0;

/** At most a third of the pool (at least one) serves streamed answers. */
export const processLimit = (poolSize: number) => Math.max(1, Math.floor(poolSize / 3));

/** Takes a slot for `actor`, or refuses with 429; the returned function gives it back (once). */
export function acquireLargeAnswer(actor: Principal, poolSize = settings().database.poolSize): () => void {
  const key = actor.userId ?? actor.email;
  const mine = perCaller.get(key) ?? 0;
  if (mine >= LARGE_PER_CALLER) {
    throw new AppError(
      "rate_limited",
      `Too many large answers in progress for this account (at most ${LARGE_PER_CALLER} at once with a limit above ${STREAM_MIN_LIMIT}); try again when one has finished.`,
      { retry_after_ms: RETRY_AFTER_MS },
    );
  }
  if (inProcess >= processLimit(poolSize)) {
    throw new AppError("rate_limited", "Too many large answers in progress on this server; try again shortly.", {
      retry_after_ms: RETRY_AFTER_MS,
    });
  }
  perCaller.set(key, mine + 1);
  inProcess++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    inProcess--;
    const left = (perCaller.get(key) ?? 1) - 1;
    if (left > 0) perCaller.set(key, left);
    else perCaller.delete(key);
  };
}

/** A large page as a streamed answer, within the bounds above. */
export async function largePageAnswer<T>(p: {
  actor: Principal;
  key: string;
  from: bigint;
  limit: bigint;
  open: () => Promise<PageStream<T>>;
  itemJson: (item: T) => JsonValue;
}): Promise<ApiAnswer> {
  const release = acquireLargeAnswer(p.actor);
  try {
    const page = await p.open();
    return streamedPageAnswer({
      key: p.key,
      from: p.from,
      limit: p.limit,
      page,
      itemJson: p.itemJson,
      done: release,
    });
  } catch (e) {
    release();
    throw e;
  }
}
