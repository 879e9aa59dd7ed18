// A Synapse-shaped database for the database source's benchmarks: Synapse's tables
// (lib/upstream/testing/synapse-schema.sql) filled in SQL with generate_series — N
// destinations, about 5 N destination_rooms rows over N/5 rooms — then keys, indexes and
// foreign keys built once over the loaded rows (faster than row by row), VACUUM ANALYZE.
//
// Shape: 70 % never failed (NULL timings, as Synapse leaves them), 10 % recovered (0), 20 %
// failing within the last day (retry_last_ts, retry_interval up to ~17 h, failure_ts); one in
// a thousand last_successful_stream_ordering / stream_ordering values above 2^53. Destination
// g has g % 11 rooms (0–10, 5 on average), inserted room slot by room slot, so one
// destination's rooms lie in ten places of the heap as in a live table.
import { createSynapseDatabase, type SynapseDatabase } from "../../lib/upstream/testing/synapse-database";

export type FilledSynapse = SynapseDatabase & {
  destinations: number;
  destinationRooms: number;
  rooms: number;
  loadMs: number;
};

export async function createFilledSynapseDatabase(
  serverUrl: string,
  n: number,
  opts: { locale?: string; nowMs?: number } = {},
): Promise<FilledSynapse> {
  const now = opts.nowMs ?? Date.now();
  const rooms = Math.max(1_000, Math.floor(n / 5));
  // Ten distinct room slots per destination: offsets k * stride (k = 1..10) stay below `rooms`.
  const stride = Math.floor(rooms / 11) + 1;
  const started = performance.now();
  const db = await createSynapseDatabase(serverUrl, {
    locale: opts.locale,
    load: async (c) => {
      await c.query("SET synchronous_commit = off");
      await c.query("SET maintenance_work_mem = '512MB'");
      await c.query(
        `INSERT INTO rooms SELECT '!' || md5(g::text) || ':example.org' FROM generate_series(1, $1::int) g`,
        [rooms],
      );
      await c.query(
        `INSERT INTO destinations
         SELECT 'hs' || g || '.example' || (g % 97) || '.org' || CASE WHEN g % 7 = 0 THEN ':8448' ELSE '' END,
                CASE WHEN g % 10 < 7 THEN NULL WHEN g % 10 = 7 THEN 0 ELSE $2::bigint - (g % 86400000) END,
                CASE WHEN g % 10 < 7 THEN NULL WHEN g % 10 = 7 THEN 0 ELSE 60000 * (1 + g % 1000) END,
                CASE WHEN g % 10 < 8 THEN NULL ELSE $2::bigint - (g % 86400000) - 60000 * (1 + g % 1000) END,
                CASE WHEN g % 1000 = 0 THEN 9007199254740993 + g WHEN g % 3 = 0 THEN NULL ELSE g * 10 END
         FROM generate_series(1, $1::int) g`,
        [n, now],
      );
      await c.query(
        `INSERT INTO destination_rooms
         SELECT 'hs' || g || '.example' || (g % 97) || '.org' || CASE WHEN g % 7 = 0 THEN ':8448' ELSE '' END,
                '!' || md5((1 + (g + k * $3::int) % $2::int)::text) || ':example.org',
                CASE WHEN g % 1000 = 0 THEN 9007199254740993 + k ELSE g * 10 + k END
         FROM generate_series(1, 10) k CROSS JOIN LATERAL generate_series(1, $1::int) g
         WHERE k <= g % 11`,
        [n, rooms, stride],
      );
    },
  });
  await db.admin.query("VACUUM ANALYZE rooms, destinations, destination_rooms");
  const counted = await db.admin.query<{ d: string; r: string }>(
    "SELECT (SELECT count(*) FROM destinations) AS d, (SELECT count(*) FROM destination_rooms) AS r",
  );
  return {
    ...db,
    destinations: Number(counted.rows[0].d),
    destinationRooms: Number(counted.rows[0].r),
    rooms,
    loadMs: performance.now() - started,
  };
}
