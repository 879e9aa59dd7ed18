// First-import fast path. Inserting rooms costs, per room row, a foreign-key check (a trigger
// query) and, per statement, the rooms_count trigger's UPDATE of every destination concerned
// (a second version of each destination row, with all its index entries). For a batch whose
// destinations are all new, both are redundant: the rooms' destinations are inserted by this
// very transaction, and their rooms_count can be written by that INSERT.
//
// So the batch COPYs the rooms with session_replication_role = replica (row triggers off, as
// pg_restore --disable-triggers does; for that one statement only), then inserts its
// destinations with rooms_count set, and keeps that only if the INSERT added every one of them
// (ON CONFLICT DO NOTHING counts); otherwise it rolls back to a savepoint and upserts. Foreign
// keys hold at commit: every room's destination was inserted by the same transaction.
//
// Used only when all of this holds, else every batch takes the ordinary upsert path:
// - the session may set session_replication_role (superuser, e.g. the embedded PostgreSQL);
// - destination_rooms has no user triggers other than the known rooms_count ones, all
//   ordinarily enabled, and the insert one has exactly the known body (KNOWN_COUNT_INS_MD5),
//   so no behaviour is skipped that is not reproduced here ("count"); or no user trigger at
//   all ("plain": only the foreign-key check is skipped).
// The first batch that finds an existing destination switches the import to the upsert path.
import type pg from "pg";
import { trySavepoint, type Tx } from "@/lib/db/transaction";
import { COPY_ROOMS_DIRECT, INSERT_NEW_DESTINATIONS, INSERT_NEW_DESTINATIONS_COUNTED } from "./batch-sql";
import { copyIn } from "@/lib/db/copy-in";

export type FastPath = {
  kind: "off" | "plain" | "count";
  /** Still worth trying: no batch has found an existing destination yet. */
  tryFresh: boolean;
};

const COUNT_TRIGGERS = ["destination_rooms_count_del", "destination_rooms_count_ins", "destination_rooms_count_upd"];
// md5 of pg_proc.prosrc of destination_rooms_count_ins() in migration 20261126020000_console.
const KNOWN_COUNT_INS_MD5 = "31c4391026959879f0ace318237e1ece";

/** Which fast path this database allows (see above). */
export async function detectFastPath(client: pg.PoolClient): Promise<FastPath["kind"]> {
  const r = await client.query<{
    su: boolean;
    triggers: { name: string; enabled: string; md5: string }[] | null;
    has_count: boolean;
  }>(`
    SELECT current_setting('is_superuser') = 'on' AS su,
      (SELECT json_agg(json_build_object('name', t.tgname, 'enabled', t.tgenabled, 'md5', md5(p.prosrc)))
         FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
        WHERE t.tgrelid = 'destination_rooms'::regclass AND NOT t.tgisinternal) AS triggers,
      EXISTS (SELECT 1 FROM pg_attribute
               WHERE attrelid = 'destinations'::regclass AND attname = 'rooms_count' AND NOT attisdropped) AS has_count`);
  const { su, triggers, has_count } = r.rows[0];
  if (!su) return "off";
  const ts = triggers ?? [];
  if (ts.length === 0) return "plain";
  if (!ts.every((t) => COUNT_TRIGGERS.includes(t.name) && t.enabled === "O")) return "off";
  const ins = ts.find((t) => t.name === "destination_rooms_count_ins");
  if (!ins || ins.md5 !== KNOWN_COUNT_INS_MD5 || !has_count) return "off";
  return "count";
}

/**
 * Writes the staged batch (its destinations already COPYed into the staging table) as all
 * new, inside the batch's transaction. Returns false, with nothing of it written, when some
 * destination exists already: the caller then upserts, and later batches no longer try.
 */
export async function writeFresh(tx: Tx, fast: FastPath, destinations: number, roomLines: string[]): Promise<boolean> {
  // Rooms first, then the destinations: the destination INSERT's statement trigger locks the
  // one-row destination counter until COMMIT, so it comes last and concurrent batches wait for
  // each other only briefly.
  const fresh = await trySavepoint(tx, "fc_fresh", async () => {
    try {
      if (roomLines.length) {
        await tx.query("SET LOCAL session_replication_role = replica");
        await copyIn(tx, COPY_ROOMS_DIRECT, roomLines); // fails if such a room exists
        await tx.query("SET LOCAL session_replication_role = origin");
      }
      const ins = await tx.query(fast.kind === "count" ? INSERT_NEW_DESTINATIONS_COUNTED : INSERT_NEW_DESTINATIONS);
      return ins.rowCount === destinations;
    } catch {
      // Whatever went wrong is retried on the ordinary path, which reports real errors.
      return false;
    }
  });
  if (!fresh) {
    // Not a first import: the savepoint undid the rooms too.
    await tx.query("SET LOCAL session_replication_role = origin");
    fast.tryFresh = false;
  }
  return fresh;
}
