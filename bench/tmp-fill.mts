import { performance } from "node:perf_hooks";
import { createTestDatabase } from "../lib/testing/test-database";
import { takeSnapshot } from "../lib/ops/take-snapshot";
const N = 1_000_000;
const f1 = (x: number) => x.toFixed(1);
const log = console.log;
const db = await createTestDatabase({ serverUrl: "postgresql://postgres@127.0.0.1:5432/postgres" });
console.log(db.url);
  const t0 = performance.now();
  const NOW = Date.now();
  // Bulk fill: secondary indexes dropped, rows inserted, indexes rebuilt from their own definitions.
  const defs = (
    await db.pool.query<{ indexname: string; indexdef: string }>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'destinations' AND indexname <> 'destinations_pkey'",
    )
  ).rows;
  for (const d of defs) await db.pool.query(`DROP INDEX "${d.indexname}"`);
  await db.pool.query(
    `INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering,
                             last_attempt_ts, last_outcome, last_error_kind, rooms_count, recovered_ts)
   SELECT 'host' || lpad(((i * 7368787 + 1234567) % 10000000)::text, 7, '0') || '.example.org',
          CASE WHEN i % 10 < 3 THEN $2 - (i % 86400000) ELSE 0 END,
          CASE WHEN i % 10 < 3 THEN 600000 * (1 + i % 1000) ELSE 0 END,
          CASE WHEN i % 10 < 3 THEN $2 - (i % 86400000) - 3600000 END,
          CASE WHEN i % 10 = 9 THEN NULL ELSE i * 17 END,
          CASE WHEN i % 20 = 7 THEN NULL ELSE $2 - (i % 3600000) END,
          CASE WHEN i % 10 < 3 THEN 'failure' WHEN i % 20 = 7 THEN NULL ELSE 'success' END,
          CASE WHEN i % 100 = 1 THEN 'IP_BLOCKED' WHEN i % 10 = 0 THEN 'CONNECT_REFUSED' WHEN i % 10 = 1 THEN 'DNS_NXDOMAIN'
               WHEN i % 10 = 2 THEN (ARRAY['TIMEOUT','HTTP_5XX','CERT_EXPIRED','HTTP_429'])[1 + (i / 10) % 4] END,
          i % 11,
          CASE WHEN i % 100 = 55 THEN $2 - (i % 86400000) END
   FROM generate_series(1::bigint, $1::bigint) AS i`,
    [N, NOW],
  );
  for (const d of defs) await db.pool.query(d.indexdef);
  await db.pool.query("UPDATE destination_count SET n = (SELECT count(*) FROM destinations)");
  // History: 7 days of minute points and a year of hourly ones, as the retention keeps them.
  const fill = (resolution: string, step: number, count: number) =>
    db.pool.query(
      `INSERT INTO ops_points (resolution, ts, span_ms, samples, total, healthy, retrying, never_contacted,
       reachable_backing_off, backing_off, blocked, due_now, attempts_success, attempts_failure, attempts_neutral)
     SELECT $1, $2::bigint - k * $3::bigint, $3, 1, $4::bigint, $4::bigint * 65 / 100, k % 40, $4::bigint * 5 / 100, 0,
            $4::bigint * 29 / 100, $4::bigint / 100, k % 100, 900 + k % 97, 300 + k % 31, k % 7
     FROM generate_series(1, $5) AS k ORDER BY k DESC`, // oldest first, as the snapshots write them
      [resolution, NOW - 60_000, step, N, count],
    );
  await fill("minute", 60_000, 7 * 1440 - 2);
  await fill("hour", 3_600_000, 365 * 24 - 1);
  await db.pool.query("VACUUM ANALYZE destinations");
  await db.pool.query("VACUUM ANALYZE ops_points");
  log(`filled ${N.toLocaleString("en")} destinations in ${f1((performance.now() - t0) / 1000)} s`);


await takeSnapshot(db.pool, { nowMs: Date.now(), intervalMs: 60_000, healthIntervalMs: 0, probeOnly: false });
await db.pool.end();
