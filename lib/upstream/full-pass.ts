// A full pass: every upstream destination in destination order, merged page by page (only
// changed rows written), rooms brought up to date, and destinations the upstream no longer has
// removed — but only when the pass was complete and consistent: no error, no refused row, the
// API's `total` the same on every page and equal to the rows seen, keys strictly increasing.
// Offset paging shifts when the upstream changes mid-pass; then the next pass decides.
import type pg from "pg";
import { mergeDestinations, missingInRange, openMerger, removeDestinations } from "./merge-page";
import { refreshRooms } from "./refresh-rooms";
import {
  raiseWatermark,
  emptyCounts,
  finishPass,
  MAX_NOTES,
  markUpstreamFailed,
  markUpstreamOk,
  type PassCounts,
  reportProgress,
  startPass,
} from "./sync-state";
import { initialLoad } from "./initial-load";
import { type DestinationPage, UpstreamError, type UpstreamSource } from "./types";

export type PassDeps = {
  pool: pg.Pool;
  source: UpstreamSource;
  pageSize: number;
  roomsConcurrency: number;
  roomsPerPass: number;
  owner: string;
  signal: AbortSignal;
  now?: () => number;
  log?: (m: string) => void;
  /** Called with the counts as they grow (fedctl's progress bar); the pass row is updated every 2 s. */
  onProgress?: (c: PassCounts, phase: "destinations" | "rooms") => void;
};

export type PassResult = {
  id: bigint;
  status: "ok" | "partial" | "failed";
  counts: PassCounts;
  notes: string[];
  error: string | null;
};

export async function runFullPass(d: PassDeps): Promise<PassResult> {
  const now = d.now ?? Date.now;
  const counts = emptyCounts();
  const notes: string[] = [];
  const note = (m: string) => {
    if (notes.length < MAX_NOTES) notes.push(m);
  };
  const id = await startPass(d.pool, { kind: "full", source: d.source.kind, owner: d.owner, nowMs: now() });
  let lastReport = now();
  const progress = async (phase: "destinations" | "rooms") => {
    d.onProgress?.(counts, phase);
    if (now() - lastReport >= 2_000) {
      lastReport = now();
      await reportProgress(d.pool, id, counts, lastReport);
    }
  };

  const missing: string[] = [];
  const wantRooms = new Set<string>();
  const totals = new Set<string>();
  let consistent = true;
  let lastKey: string | null = null;
  let newest = 0n; // the newest retry_last_ts seen: where the next recent-changes pass starts
  /** What every page is checked for, whichever way it is written. */
  const inspect = (page: DestinationPage) => {
    counts.requests++;
    if (page.total !== undefined) {
      totals.add(page.total.toString());
      counts.upstreamTotal = page.total;
    }
    for (const p of page.problems) note(`${p.where}: ${p.message}`);
    if (page.outOfOrder) consistent = false; // the source saw keys out of order (and said so in problems)
    counts.errors += page.problems.length;
    // Keys must rise strictly across the pass (byte order, as both sides sort).
    for (const r of page.rows) {
      if (lastKey !== null && Buffer.compare(Buffer.from(r.destination), Buffer.from(lastKey)) <= 0) {
        consistent = false;
        note(`the upstream's order shifted at ${r.destination} (it changed during the pass)`);
      }
      lastKey = r.destination;
      if (r.retryLastTs > newest) newest = r.retryLastTs;
    }
    counts.rowsSeen += page.rows.length;
  };

  try {
    const empty = (await d.pool.query("SELECT NOT EXISTS (SELECT 1 FROM destinations) AS empty")).rows[0].empty;
    if (empty) {
      // A first pass into an empty mirror is a first import: one transaction, indexes built at
      // the end (lib/destinations/import), all of it rolled back if the upstream fails half-way.
      const failing = await initialLoad(d, inspect, () => progress("destinations"), now);
      counts.rowsAdded = failing.imported;
      counts.roomsWritten = failing.rooms;
      counts.errors += failing.rejected;
      for (const n of failing.names) wantRooms.add(n);
    } else {
      const merger = await openMerger(d.pool);
      try {
        for await (const page of d.source.scanDestinations(d.pageSize, d.signal)) {
          inspect(page);
          const m = await mergeDestinations(merger, page.rows, now(), page.rooms);
          counts.rowsAdded += m.added;
          counts.rowsChanged += m.changed;
          counts.roomsWritten += m.roomsWritten;
          if (!page.rooms) for (const name of m.changedNames) wantRooms.add(name);
          const present = page.rows.map((r) => r.destination);
          missing.push(...(await missingInRange(merger, page.range, present)));
          await progress("destinations");
        }
      } finally {
        merger.release();
      }
    }
  } catch (e) {
    return fail(d, id, counts, notes, e, now);
  }

  if (totals.size > 1) {
    consistent = false;
    note(`the upstream's total changed during the pass (${[...totals].join(" → ")})`);
  }
  if (counts.errors === 0 && counts.upstreamTotal !== null && counts.upstreamTotal !== BigInt(counts.rowsSeen)) {
    consistent = false;
    note(`rows seen (${counts.rowsSeen}) disagree with the upstream's total (${counts.upstreamTotal})`);
  }

  // API source: rooms of changed destinations first, then failing ones and the rest in turn.
  if (d.source.kind === "api") {
    try {
      const r = await refreshRooms(d, wantRooms, (written, requests) => {
        counts.roomsWritten += written;
        counts.requests += requests;
        return progress("rooms");
      });
      counts.errors += r.problems.length;
      for (const p of r.problems) note(p);
    } catch (e) {
      return fail(d, id, counts, notes, e, now);
    }
  }

  await raiseWatermark(d.pool, newest);
  const clean = consistent && counts.errors === 0;
  if (clean) counts.rowsRemoved = await removeDestinations(d.pool, missing);
  else if (missing.length)
    note(`${missing.length} destinations the upstream did not list were kept (the pass was not clean)`);
  const status = clean ? "ok" : "partial";
  await finishPass(d.pool, id, { status, counts, notes, error: null, nowMs: now() });
  await markUpstreamOk(d.pool, "full", now());
  d.log?.(
    `upstream full pass ${status}: ${counts.rowsSeen} rows seen, ${counts.rowsAdded} added, ${counts.rowsChanged} changed, ` +
      `${counts.rowsRemoved} removed, ${counts.roomsWritten} room rows written, ${counts.errors} problems`,
  );
  return { id, status, counts, notes, error: null };
}

async function fail(
  d: PassDeps,
  id: bigint,
  counts: PassCounts,
  notes: string[],
  e: unknown,
  now: () => number,
): Promise<PassResult> {
  const upstream = e instanceof UpstreamError;
  const error = d.signal.aborted
    ? "The pass was stopped."
    : upstream
      ? e.message
      : `The pass broke off here: ${e instanceof Error ? e.message : String(e)}`;
  await finishPass(d.pool, id, { status: "failed", counts, notes, error, nowMs: now() }).catch(() => {});
  if (!upstream && !d.signal.aborted) throw e; // our side (e.g. the database): the loop logs and retries
  if (upstream) await markUpstreamFailed(d.pool, error, now());
  d.log?.(`upstream full pass failed: ${error}`);
  return { id, status: "failed", counts, notes, error };
}
