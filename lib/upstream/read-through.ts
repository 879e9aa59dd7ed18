// A destination page opened in mirror mode reads that destination (and its rooms) from the
// homeserver first, so what an operator looks at is fresh, not as of the last pass. Bounded by
// a small budget: a slow or failing homeserver only costs the page that much, and the page then
// says its data is as of the last sync.
import type pg from "pg";
import { mergeDestinations, openMerger } from "./merge-page";
import { mergeRoomSets } from "./merge-rooms";
import type { MirrorContext } from "./mirror";
import { UpstreamError } from "./types";

export type ReadThrough = { ok: true; knownUpstream: boolean } | { ok: false; reason: string };

export const READ_THROUGH_BUDGET_MS = 2_000;

export async function readThrough(
  pool: pg.Pool,
  mirror: MirrorContext,
  name: string,
  budgetMs = READ_THROUGH_BUDGET_MS,
): Promise<ReadThrough> {
  const signal = AbortSignal.timeout(budgetMs);
  const source = mirror.reader();
  try {
    const [row, rooms] = await Promise.all([source.destination(name, signal), source.rooms(name, signal)]);
    if (!row) return { ok: true, knownUpstream: false };
    const c = await openMerger(pool);
    try {
      await mergeDestinations(c, [row], Date.now());
      if (!("missing" in rooms) && rooms.problems.length === 0) await mergeRoomSets(c, new Map([[name, rooms.rooms]]));
    } finally {
      c.release();
    }
    return { ok: true, knownUpstream: true };
  } catch (e) {
    if (e instanceof UpstreamError) return { ok: false, reason: e.message };
    if (signal.aborted) return { ok: false, reason: `the homeserver did not answer within ${budgetMs} ms` };
    throw e;
  }
}
