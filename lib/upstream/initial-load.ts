// The first full pass into an empty mirror: the homeserver's pages become the records of a
// first import (lib/destinations/import), so it is loaded like `fedctl destinations import`
// into an empty table — one transaction, the secondary indexes built at the end, every row
// without its per-row trigger work. If the upstream fails half-way, the whole load rolls back
// and the mirror stays empty (nothing half-written). Every failing destination is handed to
// the prober in the same transaction.
import type pg from "pg";
import { importRecords, type ImportItem } from "../destinations/import/import-destinations";
import { WAKE_CHANNEL } from "../federation/wake";
import { notifyChanged } from "../live/announce";
import type { DestinationPage, UpstreamSource } from "./types";

/** Destinations per batch of the load. */
const LOAD_BATCH = 2_000;

/** A copy of `s` that shares no memory with the text it was cut from. */
function detached(s: string): string {
  return Buffer.from(s, "utf8").toString("utf8");
}

export type InitialLoad = {
  imported: number;
  rooms: number;
  /** Rows the database refused (counted as the pass's problems). */
  rejected: number;
  /** The failing destinations of pages without rooms (the API source reads their rooms first). */
  names: string[];
};

export async function initialLoad(
  d: { pool: pg.Pool; source: UpstreamSource; pageSize: number; signal: AbortSignal },
  inspect: (page: DestinationPage) => void,
  onPage: () => Promise<void>,
  now: () => number,
): Promise<InitialLoad> {
  const failing: string[] = [];
  async function* records(): AsyncGenerator<ImportItem> {
    let line = 0;
    for await (const page of d.source.scanDestinations(d.pageSize, d.signal)) {
      inspect(page);
      for (const r of page.rows) {
        // Only a page without rooms (the API source) needs its failing names: their rooms are
        // read next. Each is copied: a string cut from a page's text by the parser keeps that
        // whole text alive in V8, so 300,000 kept names held every page read (610 MB at 1M).
        if (!page.rooms && r.retryLastTs > 0n) failing.push(detached(r.destination));
        const rooms = page.rooms ? (page.rooms.get(r.destination) ?? []) : undefined;
        yield { line: ++line, rec: { ...r, rooms } };
      }
      await onPage();
    }
  }
  const probe = async (tx: pg.PoolClient) => {
    await tx.query(
      "UPDATE destinations SET wake_requested_at = $1, wake_trigger = 'probe' WHERE retry_last_ts > 0 AND wake_requested_at IS NULL",
      [now()],
    );
    await tx.query("SELECT pg_notify($1, '*')", [WAKE_CHANNEL]);
    await notifyChanged(tx, "*"); // open console pages reload what they show
  };
  let probed = false;
  const report = await importRecords(records(), {
    pool: d.pool,
    // Batches of a few pages, not the file import's 10,000 lines: every batch in flight
    // survives young-generation collections and is promoted, and the old generation then
    // grows well past what is live before it is collected (measured: 408 MB peak RSS at
    // 200,000 destinations with 10,000-line batches, 294 MB with 2,000).
    batchSize: LOAD_BATCH,
    maxBatchRooms: LOAD_BATCH * 10,
    beforeCommit: async (tx) => {
      await probe(tx);
      probed = true;
    },
  });
  if (!probed && failing.length) {
    // Not loaded in one transaction (the table was not ours to lock): ask for the probes now.
    const c = await d.pool.connect();
    try {
      await probe(c);
    } finally {
      c.release();
    }
  }
  return { imported: report.imported, rooms: report.rooms, rejected: report.errorCount, names: failing };
}
