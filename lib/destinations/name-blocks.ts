// Deep pages of the list by name (order_by=destination, no filter) start at their block of
// destination_blocks (migration 20261204000000_destination_blocks): the names cut in byte order
// into blocks of ~4,096 with how many each holds, kept exact in the same transaction as the
// names. The rows before the page are a sum over the blocks' counts, and the walk starts at the
// block's lower bound with fewer than ~8,192 keys to skip, instead of walking every name before
// the page (from=500,000 at a million: ~0.3 ms of blocks and keys instead of ~20 ms).
//
// One statement, one snapshot: the total, the blocks and the page. A page by name backwards
// (dir=b) is the same positions counted from the other end, read ascending and reversed.
import type pg from "pg";
import type { Direction } from "../http/params";
import { TIMINGS_COLUMNS, type TimingsSqlRow } from "./rows";

// $1 from, $2 limit, $3 backwards. w: the page as ascending positions [s, s + cnt). The walk's
// LIMIT is $2 itself, known when planning (a computed one is estimated at a tenth of the table,
// which made the plan look costly enough for JIT compilation: +25 ms); the caller keeps cnt.
const blockPageSql = (columns: string) => `
WITH t AS (SELECT (SELECT n FROM destination_count) AS total),
w AS (
  SELECT CASE WHEN $3::boolean THEN greatest(t.total - $1::bigint - $2::bigint, 0) ELSE $1::bigint END AS s,
         CASE WHEN $3::boolean THEN greatest(least($2::bigint, t.total - $1::bigint), 0) ELSE $2::bigint END AS cnt
  FROM t
),
blocks AS (
  SELECT bound, sum(n) OVER (ORDER BY bound) - n AS before, sum(n) OVER () AS blocked FROM destination_blocks
),
b AS (SELECT bound, before, blocked FROM blocks, w WHERE before <= w.s ORDER BY bound DESC LIMIT 1)
SELECT t.total, b.blocked, w.cnt, d.*
FROM t CROSS JOIN w CROSS JOIN b
LEFT JOIN LATERAL (
  SELECT destination FROM destinations WHERE destination >= b.bound ORDER BY destination OFFSET w.s - b.before LIMIT $2
) p ON true
LEFT JOIN LATERAL (SELECT ${columns} FROM destinations x WHERE x.destination = p.destination OFFSET 0) d ON true
ORDER BY p.destination`;

type BlockPageSqlRow = { total: string | null; blocked: string | null; cnt: string; destination: string | null };

export type BlockPage<Row = TimingsSqlRow> = { total: bigint; rows: Row[] };

/**
 * The page in Synapse's order by name, or null when the blocks cannot vouch for it (their
 * counts do not add up to the total — never expected, as both are kept by the same triggers —
 * or a table without its counter row): the caller walks the index instead.
 */
export async function blockPage<Row extends { destination: string } = TimingsSqlRow>(
  pool: pg.Pool,
  from: bigint,
  limit: bigint,
  dir: Direction,
  /** Select list of each page row over `destinations x` (the console's is wider than the API's). */
  columns: string = TIMINGS_COLUMNS,
): Promise<BlockPage<Row> | null> {
  const r = await pool.query<BlockPageSqlRow>(blockPageSql(columns), [from.toString(), limit.toString(), dir === "b"]);
  const head = r.rows[0];
  if (!head || head.total === null || head.blocked !== head.total) return null;
  const rows = (r.rows.filter((x) => x.destination !== null) as unknown as Row[]).slice(0, Number(head.cnt));
  return { total: BigInt(head.total), rows: dir === "b" ? rows.reverse() : rows };
}
