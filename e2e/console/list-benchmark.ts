// Measures the console's destinations list at 1,000,000 destinations (docs/benchmarks.md):
//   NEXT_DIST_DIR=.next-console npx tsx e2e/console/list-benchmark.ts [N=1000000] [RUNS=7]
// Makes a fresh database (local PostgreSQL server if one answers, else embedded), fills it
// with N destinations by generate_series (70% healthy, 30% backing off with Synapse-like
// intervals, 1% IP_BLOCKED, rooms_count 0–10 set directly), starts the real server on it
// (next start via scripts/start.ts, scheduler off) and times, per sort column and direction:
//   lib   listConsoleDestinations (page 1, 100 rows + total), in this process
//   page  GET /destinations?size=100&sort=…&dir=… with a session cookie: the full server
//         render (auth, both queries, React server render, HTML), median of RUNS;
//   KB    the HTML's size, and how much of it is the RSC flight payload (the inline
//         self.__next_f.push scripts that hydrate the page) rather than markup.
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { encode } from "next-auth/jwt";
import { createTestDatabase } from "../../lib/testing/test-database";
import { listConsoleDestinations } from "../../lib/destinations/list-console-destinations";
import { CONSOLE_SORTS, DEFAULT_LIST_QUERY, type ConsoleListQuery } from "../../lib/destinations/console-list-query";
import { getOrCreateAuthSecret } from "../../lib/auth/auth-secret";
import type { Principal } from "../../lib/auth/principal";
import { startServer } from "../support/server";

const N = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 7);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const db = await createTestDatabase();
const t0 = performance.now();
// Bulk fill: drop the secondary indexes, insert, build them again (much faster than
// maintaining ~25 indexes row by row); the definitions are the migration's own.
const defs = (
  await db.pool.query<{ indexname: string; indexdef: string }>(
    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'destinations' AND indexname <> 'destinations_pkey'",
  )
).rows;
for (const d of defs) await db.pool.query(`DROP INDEX "${d.indexname}"`);
await db.pool.query(
  `
  INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering,
                            last_attempt_ts, last_outcome, last_error_kind, rooms_count)
  SELECT 'host' || lpad(((i * 7368787 + 1234567) % 10000000)::text, 7, '0') || '.example.org',
         CASE WHEN i % 10 < 3 THEN 1764115200000 - (i % 86400000) ELSE 0 END,
         CASE WHEN i % 10 < 3 THEN 600000 * (1 + i % 1000) ELSE 0 END,
         CASE WHEN i % 10 < 3 THEN 1764115200000 - (i % 86400000) - 3600000 END,
         CASE WHEN i % 10 = 9 THEN NULL ELSE i * 17 END,
         CASE WHEN i % 20 = 7 THEN NULL ELSE 1764115200000 - (i % 3600000) END,
         CASE WHEN i % 10 < 3 THEN 'failure' WHEN i % 20 = 7 THEN NULL ELSE 'success' END,
         CASE WHEN i % 100 = 1 THEN 'IP_BLOCKED' WHEN i % 10 < 3 THEN 'CONNECT_REFUSED' END,
         i % 11
  FROM generate_series(1::bigint, $1::bigint) AS i`,
  [N],
);
for (const d of defs) await db.pool.query(d.indexdef);
await db.pool.query("VACUUM ANALYZE destinations");
console.log(`filled ${N} destinations in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const me: Principal = { userId: null, email: "bench", role: "viewer", via: "console" };
const r = await db.pool.query(
  "INSERT INTO users (id, email, role) VALUES (gen_random_uuid(), 'bench@x.test', 'viewer') RETURNING id",
);
const secret = await getOrCreateAuthSecret(db.pool);
const cookieName = "authjs.session-token";
const cookie = `${cookieName}=${await encode({ token: { sub: r.rows[0].id, email: "bench@x.test" }, secret, salt: cookieName, maxAge: 3600 })}`;
const server = await startServer({ DATABASE_URL: db.url, FEDERATION_SCHEDULER: "off", AUTH_SECRET: secret });

type Row = { view: string; lib: number; page: number; kb: number; flightKb: number };
const kb = (s: string) => Buffer.byteLength(s) / 1024;
/** The bytes of the inline flight scripts (`self.__next_f.push(...)`), tags included. */
const flightBytes = (html: string) =>
  (html.match(/<script[^>]*>self\.__next_f\.push\([\s\S]*?<\/script>/g) ?? []).reduce((n, s) => n + kb(s), 0);
const rows: Row[] = [];
let kept = false;
async function measure(view: string, q: ConsoleListQuery, qs: string) {
  const lib: number[] = [];
  const page: number[] = [];
  let last = "";
  for (let i = 0; i < RUNS + 1; i++) {
    let t = performance.now();
    await listConsoleDestinations(db.pool, me, q);
    const l = performance.now() - t;
    t = performance.now();
    const res = await fetch(`${server.url}/destinations?${qs}`, { headers: { cookie } });
    const html = await res.text();
    const p = performance.now() - t;
    if (res.status !== 200 || !html.includes('data-testid="destinations"')) throw new Error(`${qs}: ${res.status}`);
    last = html;
    if (i > 0) {
      lib.push(l);
      page.push(p);
    } // the first run warms caches
  }
  const size = { kb: kb(last), flightKb: flightBytes(last) };
  // LIST_BENCH_HTML=file keeps a view's HTML, to see what it consists of: the first view's, or
  // the first whose name contains LIST_BENCH_HTML_VIEW.
  const want = process.env.LIST_BENCH_HTML_VIEW;
  if (process.env.LIST_BENCH_HTML && (want ? view.includes(want) && !kept : rows.length === 0)) {
    writeFileSync(process.env.LIST_BENCH_HTML, last);
    kept = true;
  }
  rows.push({ view, lib: median(lib), page: median(page), ...size });
  console.log(
    `${view.padEnd(48)} lib ${median(lib).toFixed(1).padStart(6)} ms   page ${median(page).toFixed(1).padStart(6)} ms   ` +
      `HTML ${size.kb.toFixed(1).padStart(6)} KB (flight ${size.flightKb.toFixed(1)} KB)`,
  );
}

try {
  for (const sort of CONSOLE_SORTS) {
    for (const dir of ["asc", "desc"] as const) {
      await measure(
        `sort=${sort}&dir=${dir}`,
        { ...DEFAULT_LIST_QUERY, size: 100, sort, dir },
        `size=100&sort=${sort}&dir=${dir}`,
      );
    }
  }
  await measure(
    "status=failing&sort=next_retry",
    { ...DEFAULT_LIST_QUERY, size: 100, status: "failing", sort: "next_retry" },
    "size=100&status=failing&sort=next_retry",
  );
  await measure(
    "status=healthy&sort=last_attempt&dir=desc",
    { ...DEFAULT_LIST_QUERY, size: 100, status: "healthy", sort: "last_attempt", dir: "desc" },
    "size=100&status=healthy&sort=last_attempt&dir=desc",
  );
  await measure("status=blocked", { ...DEFAULT_LIST_QUERY, size: 100, status: "blocked" }, "size=100&status=blocked");
  await measure(
    "q=host12&sort=rooms&dir=desc",
    { ...DEFAULT_LIST_QUERY, size: 100, search: "host12", sort: "rooms", dir: "desc" },
    "size=100&q=host12&sort=rooms&dir=desc",
  );
  await measure("page=5000 (offset 499,900)", { ...DEFAULT_LIST_QUERY, size: 100, page: 5000 }, "size=100&page=5000");
  console.log(`\nload average ${readFileSync("/proc/loadavg", "utf8").trim()}`);
  console.log("\n| view | lib (ms) | page (ms) | HTML (KB) | of which flight (KB) |\n|---|---:|---:|---:|---:|");
  for (const x of rows)
    console.log(
      `| \`${x.view}\` | ${x.lib.toFixed(1)} | ${x.page.toFixed(1)} | ${x.kb.toFixed(1)} | ${x.flightKb.toFixed(1)} |`,
    );
} finally {
  await server.stop();
  await db.close();
}
