// Telling open console pages which destinations changed (channel.ts), from the code that
// changes them. Not a trigger on every UPDATE: PostgreSQL serializes the COMMITs of all
// transactions that NOTIFY (one global lock held through the commit's WAL flush), so a NOTIFY
// in every attempt's transaction would cap the scheduler at the disk's fsync rate (measured:
// ~150 attempts/s on the bench machine). So:
// - hot paths (an attempt recorded, claims taken or given back) call announceChanged after
//   their COMMIT: the names are gathered per pool for BATCH_MS and sent as one NOTIFY in its
//   own statement — a few NOTIFYs a second per process, whatever the attempt rate;
// - rare writes inside a transaction (a reset, a sync page) call notifyChanged in it, so the
//   announcement goes out exactly at their COMMIT.
// Forgotten destinations are announced by a DELETE trigger (migration 20261202040000).
import type pg from "pg";
import type { Queryable } from "../db/transaction";
import { LIVE_CHANNEL } from "./channel";

/** How long names are gathered before one NOTIFY goes out. */
export const BATCH_MS = 100;
/** A payload must stay under PostgreSQL's 8000 bytes; beyond this many names, '*' (reload). */
const MAX_PAYLOAD_BYTES = 7_900;
const MAX_PAYLOADS = 8;

/** The payloads announcing `names`: a few newline-separated lists, or ['*'] when too many. */
export function livePayloads(names: Iterable<string>): string[] {
  const out: string[] = [];
  let cur = "";
  let bytes = 0;
  for (const n of names) {
    const b = Buffer.byteLength(n) + 1;
    if (bytes + b > MAX_PAYLOAD_BYTES && cur) {
      out.push(cur);
      if (out.length >= MAX_PAYLOADS) return ["*"];
      cur = "";
      bytes = 0;
    }
    cur += (cur ? "\n" : "") + n;
    bytes += b;
  }
  if (cur) out.push(cur);
  return out;
}

/** Inside a transaction: announce `names` (or everything, "*") at its COMMIT. */
export async function notifyChanged(tx: Queryable, names: readonly string[] | "*"): Promise<void> {
  const payloads = names === "*" ? ["*"] : livePayloads(names);
  for (const p of payloads) await tx.query("SELECT pg_notify($1, $2)", [LIVE_CHANNEL, p]);
}

type Batch = { names: Set<string>; timer?: ReturnType<typeof setTimeout> };
const batches = new WeakMap<pg.Pool, Batch>();

/** After a COMMIT: announce `names` soon, together with whatever else changed meanwhile. */
export function announceChanged(pool: pg.Pool, names: Iterable<string>): void {
  let b = batches.get(pool);
  if (!b) {
    b = { names: new Set() };
    batches.set(pool, b);
  }
  for (const n of names) b.names.add(n);
  if (b.timer || b.names.size === 0) return;
  const batch = b;
  batch.timer = setTimeout(() => {
    batch.timer = undefined;
    const payloads = livePayloads(batch.names);
    batch.names = new Set();
    // A lost announcement only delays a page's redraw until the row changes again.
    void (async () => {
      for (const p of payloads) await pool.query("SELECT pg_notify($1, $2)", [LIVE_CHANNEL, p]);
    })().catch(() => {});
  }, BATCH_MS);
  batch.timer.unref?.();
}
