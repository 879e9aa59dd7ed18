// First import into an empty destinations table: one transaction, indexes built at the end.
//
// destinations carries ~25 secondary indexes (every list order in both directions, the
// console's expressions, the scheduler's partial indexes, the trigram index). Inserting a
// million rows into a live table adds each row to each of them in the names' random order:
// ~25 million random B-tree and GIN insertions. Building an index over rows already in the
// table is a sorted build instead, ~0.5 s per B-tree index at a million rows.
//
// So, when the table is empty, the import takes it in one transaction:
//   BEGIN; LOCK destinations; (empty?) DROP the secondary indexes; … every batch as a
//   savepoint …; CREATE each index again from its saved definition; COMMIT; ANALYZE.
// PostgreSQL's DDL is transactional: a crash or error at any point rolls back everything,
// the dropped indexes included, and the table is empty and whole again. The price is the
// ACCESS EXCLUSIVE lock: other sessions wait for the table until the import ends (it was
// empty, so they miss no data; they are delayed). destinations' primary key stays: it catches
// the same destination in two batches, which the import then upserts as usual.
//
// destination_rooms' primary key (destination, room_id) is dropped too and added again at the
// end: 5 M rooms inserted into it in the names' random order were the largest part of the load
// (measured at 1M + 5M rooms: 43 s of load with it, 21 s without, and 3.5 s to build it at the
// end). Nothing needs it while the load runs: a batch of new destinations COPYs its rooms
// (their ids distinct per destination: the parser refuses a repeated room id), and the first
// batch that repeats a destination of an earlier batch, whose rooms are upserted ON CONFLICT,
// adds the key back first (restoreRoomsKey, inside that batch's savepoint: undone with it).
//
// The transaction is opened and committed here by hand, not with lib/db/transaction.ts: it
// spans the whole import across calls (beginBulkLoad … the importer's batches, each a
// savepoint … finishBulkLoad), and on failure the importer first waits for the batch still
// running on this connection and then discards the connection, which rolls everything back.
// A callback helper would send its ROLLBACK while that batch may be mid-statement.
import type pg from "pg";

export type BulkLoad = {
  /** The secondary indexes dropped at the start, to be built again at the end. */
  indexes: { name: string; definition: string }[];
  /** destination_rooms' primary key, dropped at the start; `inPlace` once it is added again. */
  roomsKey: { name: string; definition: string; inPlace: boolean } | null;
  /** destination_names' primary key, dropped at the start and added again at the end. */
  namesKey: { name: string; definition: string } | null;
};

/** How long to wait for the table lock before falling back to per-batch transactions. */
const LOCK_TIMEOUT = "5s";
/** Memory for each index build (a session setting, for this transaction only). */
const BUILD_MEMORY = "256MB";

/**
 * Starts a bulk load on `client` if destinations is empty and this role may drop its
 * indexes (it owns the table). Returns null, with no transaction open, otherwise.
 */
export async function beginBulkLoad(client: pg.PoolClient): Promise<BulkLoad | null> {
  await client.query("BEGIN");
  try {
    const own = await client.query<{ owner: boolean }>(
      `SELECT pg_has_role(current_user, relowner, 'USAGE') AS owner FROM pg_class WHERE oid = 'destinations'::regclass`,
    );
    if (!own.rows[0]?.owner) return rollback(client);
    await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    try {
      await client.query("LOCK TABLE destinations IN ACCESS EXCLUSIVE MODE");
    } catch (e) {
      if ((e as { code?: string }).code === "55P03") return rollback(client); // lock_not_available: busy
      throw e;
    }
    await client.query("SET LOCAL lock_timeout = 0");
    const empty = await client.query<{ empty: boolean }>(
      `SELECT NOT EXISTS (SELECT 1 FROM destinations) AND NOT EXISTS (SELECT 1 FROM destination_rooms) AS empty`,
    );
    if (!empty.rows[0].empty) return rollback(client);
    // The name blocks (destination_blocks) are rebuilt once at the end, not kept per batch.
    await client.query("SET LOCAL fedconsole.bulk_load = 'on'");
    // Every index but those that back a constraint (the primary keys), of destinations and of
    // destination_names (the search's trigram index, filled by a trigger on destinations);
    // unique indexes that back none would be rebuilt too, and the build would fail if the load
    // broke them.
    const defs = await client.query<{ name: string; definition: string }>(`
      SELECT quote_ident(c.relname) AS name, pg_get_indexdef(i.indexrelid) AS definition
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid IN ('destinations'::regclass, 'destination_names'::regclass)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      ORDER BY c.relname`);
    for (const ix of defs.rows) await client.query(`DROP INDEX ${ix.name}`);
    const rooms = await dropPrimaryKey(client, "destination_rooms");
    // destination_names' key too: only its insert trigger writes it during the load, one name
    // per new destination (destinations' own key makes them unique).
    const namesKey = await dropPrimaryKey(client, "destination_names");
    return { indexes: defs.rows, roomsKey: rooms ? { ...rooms, inPlace: false } : null, namesKey };
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  }
}

/** Drops `table`'s primary key and returns what adds it back (null: it has none). */
async function dropPrimaryKey(
  client: pg.PoolClient,
  table: "destination_rooms" | "destination_names",
): Promise<{ name: string; definition: string } | null> {
  const key = await client.query<{ name: string; definition: string }>(
    `SELECT quote_ident(conname) AS name, pg_get_constraintdef(oid) AS definition
     FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'`,
    [table],
  );
  const found = key.rows[0] ?? null;
  if (found) await client.query(`ALTER TABLE ${table} DROP CONSTRAINT ${found.name}`);
  return found;
}

/**
 * Adds destination_rooms' primary key back (a sorted build over what is loaded), before a batch
 * upserts rooms ON CONFLICT. The caller marks it in place once that batch's savepoint is released.
 */
export async function restoreRoomsKey(client: pg.PoolClient, load: BulkLoad): Promise<void> {
  if (!load.roomsKey || load.roomsKey.inPlace) return;
  await client.query(`SET LOCAL maintenance_work_mem = '${BUILD_MEMORY}'`);
  await client.query(`ALTER TABLE destination_rooms ADD CONSTRAINT ${load.roomsKey.name} ${load.roomsKey.definition}`);
}

/** Builds the dropped indexes again, commits, and refreshes the planner's statistics. */
export async function finishBulkLoad(client: pg.PoolClient, load: BulkLoad): Promise<void> {
  await restoreRoomsKey(client, load);
  await client.query(`SET LOCAL maintenance_work_mem = '${BUILD_MEMORY}'`);
  if (load.namesKey)
    await client.query(
      `ALTER TABLE destination_names ADD CONSTRAINT ${load.namesKey.name} ${load.namesKey.definition}`,
    );
  for (const ix of load.indexes) await client.query(ix.definition);
  await client.query("SELECT destination_blocks_rebuild()");
  // The load logged none of its rows for the other orders' marks (order-marks.ts): drop them.
  await client.query("SELECT destination_order_marks_drop()");
  await client.query("COMMIT");
  // The lists' deep pages walk indexes index-only, which needs the visibility map that only
  // VACUUM sets; ANALYZE gives the planner the new row counts. Cheap next to the load (~1 s
  // a million rows), and autovacuum would otherwise do it at some later moment.
  await client.query("VACUUM (ANALYZE) destinations, destination_names, destination_rooms");
}

async function rollback(client: pg.PoolClient): Promise<null> {
  await client.query("ROLLBACK");
  return null;
}
