// Merges what the upstream says into our destinations table: only rows whose four Synapse
// columns differ are written (a pass over an unchanged upstream writes nothing — and opens no
// transaction), new failures are handed to the prober (wake_requested_at, trigger 'probe'), and
// the local keys of the page's range that the upstream no longer has are returned as removal
// candidates — removed by the sync only after a complete, consistent pass (full-pass.ts).
// Rows travel as array parameters (unnest): no staging tables, whose per-commit truncation
// cost more than the merge itself.
import type pg from "pg";
import { inTransaction, type Queryable, type Tx } from "../db/transaction";
import { IN_NAMES } from "../destinations/name-list";
import { WAKE_CHANNEL } from "../federation/wake";
import { notifyChanged } from "../live/announce";
import { applyRoomChanges, diffRoomSets, roomWrites } from "./merge-rooms";
import { SYNC_COMMIT_OFF } from "./sync-commit";
import type { UpstreamDestination, UpstreamRoom } from "./types";

export type MergeResult = {
  added: number;
  changed: number;
  /** Room rows written (when the page came with its rooms). */
  roomsWritten: number;
  /** Rows whose timings changed (or that are new and failing): their rooms are worth re-reading. */
  changedNames: string[];
  /** Rows that entered a failure episode or failed again since we last looked: probed. */
  probed: string[];
};

type DiffRow = {
  i: number;
  is_new: boolean;
  old_last: string | null;
  old_failure: string | null;
};

const big = (v: bigint | null) => (v === null ? null : v.toString());

/** The rows as parallel arrays: $1 names, $2 retry_last_ts, $3 retry_interval, $4 failure_ts, $5 lsso. */
const arrays = (rows: UpstreamDestination[]) => [
  rows.map((r) => r.destination),
  rows.map((r) => r.retryLastTs.toString()),
  rows.map((r) => r.retryInterval.toString()),
  rows.map((r) => big(r.failureTs)),
  rows.map((r) => big(r.lastSuccessfulStreamOrdering)),
];

const UNNEST = `unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])
  WITH ORDINALITY AS s(destination, retry_last_ts, retry_interval, failure_ts, lsso, i)`;

/** Which of `rows` differ from ours (new, or any of the four columns), with our old values. */
async function diffRows(q: Queryable, rows: UpstreamDestination[]): Promise<DiffRow[]> {
  const r = await q.query<DiffRow>(
    `SELECT s.i::int AS i, d.destination IS NULL AS is_new,
            d.retry_last_ts::text AS old_last, d.failure_ts::text AS old_failure
     FROM ${UNNEST} LEFT JOIN destinations d ON d.destination = s.destination COLLATE "C"
     WHERE d.destination IS NULL
        OR (d.retry_last_ts, d.retry_interval, d.failure_ts, d.last_successful_stream_ordering)
           IS DISTINCT FROM (s.retry_last_ts, s.retry_interval, s.failure_ts, s.lsso)`,
    arrays(rows),
  );
  return r.rows;
}

/** Writes `rows` (validated, distinct names) and their room sets; see the file's head. */
export async function mergeDestinations(
  c: pg.PoolClient,
  rows: UpstreamDestination[],
  nowMs: number,
  /** The complete room sets of these rows (database source): merged in the same transaction. */
  rooms?: Map<string, UpstreamRoom[]>,
): Promise<MergeResult> {
  const none: MergeResult = { added: 0, changed: 0, roomsWritten: 0, changedNames: [], probed: [] };
  if (rows.length === 0) return none;
  // Reads first, outside a transaction: only the sync writes these columns and rooms, so what
  // is read cannot go stale before the write (a relayed reset racing it is undone by the next pass).
  const diff = await diffRows(c, rows);
  const roomChanges = rooms ? await diffRoomSets(c, rooms) : undefined;
  if (diff.length === 0 && (!roomChanges || roomWrites(roomChanges) === 0)) return none;
  const changed = diff.map((d) => ({ d, row: rows[d.i - 1] }));
  return inTransaction(c, async (tx) => {
    await tx.query(SYNC_COMMIT_OFF);
    if (changed.length)
      await upsert(
        tx,
        changed.map((x) => x.row),
      );
    const probed = changed.filter((x) => isNewFailure(x.d, x.row)).map((x) => x.row.destination);
    if (probed.length) await requestProbes(tx, probed, nowMs);
    const roomsWritten = roomChanges ? await applyRoomChanges(tx, roomChanges) : 0;
    // Open console pages redraw these rows at this COMMIT (lib/live/announce.ts).
    const touched = new Set(changed.map((x) => x.row.destination));
    if (roomsWritten && rooms) for (const name of rooms.keys()) touched.add(name);
    if (touched.size) await notifyChanged(tx, [...touched]);
    const added = diff.filter((d) => d.is_new).length;
    return {
      added,
      changed: diff.length - added,
      roomsWritten,
      changedNames: changed.filter((x) => !x.d.is_new || x.row.retryLastTs > 0n).map((x) => x.row.destination),
      probed,
    };
  });
}

async function upsert(tx: Tx, rows: UpstreamDestination[]): Promise<void> {
  await tx.query(
    `INSERT INTO destinations AS d (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering)
     SELECT s.destination, s.retry_last_ts, s.retry_interval, s.failure_ts, s.lsso FROM ${UNNEST} ORDER BY s.destination
     ON CONFLICT (destination) DO UPDATE SET
       retry_last_ts = EXCLUDED.retry_last_ts, retry_interval = EXCLUDED.retry_interval,
       failure_ts = EXCLUDED.failure_ts, last_successful_stream_ordering = EXCLUDED.last_successful_stream_ordering
     WHERE (d.retry_last_ts, d.retry_interval, d.failure_ts, d.last_successful_stream_ordering)
       IS DISTINCT FROM (EXCLUDED.retry_last_ts, EXCLUDED.retry_interval, EXCLUDED.failure_ts, EXCLUDED.last_successful_stream_ordering)`,
    arrays(rows),
  );
}

/** Failing now, and either newly (no row, or it was not failing) or again (retry_last_ts moved on). */
function isNewFailure(d: DiffRow, row: UpstreamDestination): boolean {
  if (row.retryLastTs === 0n) return false;
  if (d.is_new || d.old_last === null || d.old_last === "0") return true;
  return row.retryLastTs > BigInt(d.old_last) || big(row.failureTs) !== d.old_failure;
}

/** The prober attempts these (mirror mode's scheduler claims wake requests only). */
export async function requestProbes(tx: Tx, names: string[], nowMs: number): Promise<void> {
  await tx.query(
    `UPDATE destinations SET wake_requested_at = $2, wake_trigger = 'probe'
     WHERE ${IN_NAMES("$1")} AND wake_requested_at IS NULL`,
    [names, nowMs],
  );
  await tx.query("SELECT pg_notify($1, '*')", [WAKE_CHANNEL]);
}

/** A pooled connection for merging; release when done. */
export async function openMerger(pool: pg.Pool): Promise<pg.PoolClient> {
  return pool.connect();
}

/**
 * Our destinations in (after, through] (through null: to the end) that `present` lacks: the
 * upstream no longer has them — if the pass they come from turns out complete and consistent.
 */
export async function missingInRange(
  c: Queryable,
  range: { after: string | null; through: string | null },
  present: string[],
): Promise<string[]> {
  const r = await c.query<{ destination: string }>(
    `SELECT destination FROM destinations
     WHERE ($1::text IS NULL OR destination > $1) AND ($2::text IS NULL OR destination <= $2)
       AND NOT (destination = ANY($3::text[]))
     ORDER BY destination`,
    [range.after, range.through, present],
  );
  return r.rows.map((x) => x.destination);
}

/** Removes destinations (with their rooms and attempts) in chunks; returns how many went. */
export async function removeDestinations(pool: pg.Pool, names: string[]): Promise<number> {
  let removed = 0;
  for (let i = 0; i < names.length; i += 10_000) {
    const r = await pool.query(`DELETE FROM destinations WHERE ${IN_NAMES("$1")}`, [names.slice(i, i + 10_000)]);
    removed += r.rowCount ?? 0;
  }
  return removed;
}
