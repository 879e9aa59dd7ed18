// Does the homeserver's database order `destination` byte-wise? The mirror needs byte order
// (ours is COLLATE "C"; page ranges are compared byte-wise). Synapse requires a C database
// (docs/postgres.md), and there the primary keys already are in byte order, so a keyset page
// is a short index range scan. Writing COLLATE "C" into the query would NOT do: PostgreSQL
// matches an index only by its exact collation, so `ORDER BY destination COLLATE "C"` on a
// "default"-collated column sorts the whole table even when "default" is C (measured: Seq Scan +
// Sort). A database created with another locale (Synapse's allow_unsafe_locale, common with
// C.UTF-8 or en_US.UTF-8 clusters) gets COLLATE "C" and one sort per pass instead (cursor scan).
import type pg from "pg";

export type KeyOrdering = {
  /** destinations.destination is in byte order: keyset pages on destinations_pkey. */
  destinations: boolean;
  /** destination_rooms.destination is in byte order: rooms by range on destination_rooms_pkey. */
  rooms: boolean;
};

/** One column's collation (NULL where this PostgreSQL version has no such field). */
export type CollationInfo = {
  collname: string;
  collProvider: string | null;
  collLocale: string | null;
  dbProvider: string | null;
  dbCollate: string | null;
  dbLocale: string | null;
};

const BYTE_ORDER_LOCALES = new Set(["C", "POSIX"]);

// Through to_jsonb(row): pg_database's locale columns differ between PostgreSQL versions
// (datlocprovider since 15, datlocale since 17), and a missing key is simply NULL.
const SQL = `
  SELECT a.attrelid::regclass::text AS rel, c.collname AS "collname",
         to_jsonb(c)->>'collprovider' AS "collProvider", to_jsonb(c)->>'colllocale' AS "collLocale",
         to_jsonb(d)->>'datlocprovider' AS "dbProvider", to_jsonb(d)->>'datcollate' AS "dbCollate",
         to_jsonb(d)->>'datlocale' AS "dbLocale"
  FROM pg_attribute a
  JOIN pg_collation c ON c.oid = a.attcollation
  JOIN pg_database d ON d.datname = current_database()
  WHERE a.attrelid IN ('destinations'::regclass, 'destination_rooms'::regclass) AND a.attname = 'destination'`;

/** Byte order for one column's collation: C or POSIX (libc), or builtin C; ICU never. */
export function isByteOrder(c: CollationInfo): boolean {
  if (c.collname === "C" || c.collname === "POSIX") return true;
  // PostgreSQL 17's builtin C.UTF-8 is code point order (byte order for UTF-8) but is left
  // out: one plain rule, no guessing about locales.
  if (c.collname !== "default") return c.collProvider === "b" && c.collLocale === "C";
  const provider = c.dbProvider ?? "c"; // before 15 every database is libc
  if (provider === "c") return c.dbCollate !== null && BYTE_ORDER_LOCALES.has(c.dbCollate);
  if (provider === "b") return c.dbLocale === "C";
  return false;
}

export async function detectOrdering(client: pg.PoolClient): Promise<KeyOrdering> {
  const r = await client.query<CollationInfo & { rel: string }>(SQL);
  const byRel = new Map(r.rows.map((row) => [row.rel, isByteOrder(row)]));
  return { destinations: byRel.get("destinations") ?? false, rooms: byRel.get("destination_rooms") ?? false };
}
