// npm run bench:overview [-- options]: the overview page's server render and a /metrics scrape
// at N destinations (default 1,000,000); results into docs/benchmarks.md ("Overview and
// /metrics"). Targets: overview ≤ 150 ms, scrape ≤ 20 ms.
//
// What runs: a fresh database (the machine's PostgreSQL, else embedded) filled by
// generate_series like e2e/console/list-benchmark.ts (70 % healthy, 30 % backing off with
// several failure reasons, 1 % blocked, rooms 0–10, 1 % recovered), a full history (7 days of
// minute points, a year of hourly ones), one real snapshot (timed: the once-a-minute cost), then
// the real server (scripts/start.ts, scheduler off) and, after a warm-up, RUNS sequential
// requests each of:
//   lib      getOverview in this process (the database part)
//   page     GET /overview (24 h, 7 d, 30 d) with a session cookie, to the last byte: session,
//            role lookup, getOverview, React render, HTML
//   scrape   GET /metrics with FEDCONSOLE_METRICS_TOKEN, and with a team member's API token
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { encode } from "next-auth/jwt";
import { createTestDatabase } from "../lib/testing/test-database";
import { getOrCreateAuthSecret } from "../lib/auth/auth-secret";
import type { Principal } from "../lib/auth/principal";
import { randomBytes } from "node:crypto";
import { hashToken } from "../lib/auth/tokens";
import { getOverview } from "../lib/ops/get-overview";
import { HISTORY_RANGES } from "../lib/ops/read-history";
import { takeSnapshot } from "../lib/ops/take-snapshot";
import { integerArg, scriptArgs } from "../lib/cli/script-args";
import { startServer } from "../e2e/support/server";
import { replaceSection } from "./support/markdown";
import { stats } from "./support/load";

const ROOT = path.resolve(import.meta.dirname, "..");
const ARGS = scriptArgs({
  name: "npm run bench:overview",
  usage: "[-- options]",
  description:
    "The overview page's server render and a /metrics scrape at N destinations; results into docs/benchmarks.md.",
  options: {
    n: { type: "string", value: "N", default: "1000000", description: "destinations" },
    runs: { type: "string", value: "R", default: "30", description: "recorded requests per case (after 3 warm-up)" },
    pg: {
      type: "string",
      value: "URL",
      default: "postgresql://postgres@127.0.0.1:5432/postgres",
      description: "PostgreSQL server to create the bench database on (else embedded)",
    },
    out: { type: "string", value: "FILE", default: "docs/benchmarks.md", description: "markdown file to update" },
    "no-write": { type: "boolean", description: "print only, write no file" },
  },
}).values;
const N = integerArg("--n", ARGS.n);
const RUNS = integerArg("--runs", ARGS.runs);
const log = (m: string) => console.log(`[bench:overview] ${m}`);
const f1 = (x: number) => x.toFixed(1);

const db = await createTestDatabase({ serverUrl: ARGS.pg });
log(db.describe);
type Row = { what: string; target: number | null; p50: number; p95: number; bytes: number };
let server: Awaited<ReturnType<typeof startServer>> | undefined;
let snapshotMs = 0;
const rows: Row[] = [];
try {
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

  const ts0 = performance.now();
  await takeSnapshot(db.pool, { nowMs: Date.now(), intervalMs: 60_000, healthIntervalMs: 0, probeOnly: false });
  snapshotMs = performance.now() - ts0;
  log(`one snapshot (the once-per-interval count): ${f1(snapshotMs)} ms`);

  const me: Principal = { userId: null, email: "bench", role: "viewer", via: "console" };
  const user = await db.pool.query(
    "INSERT INTO users (id, email, role) VALUES (gen_random_uuid(), 'bench@x.test', 'viewer') RETURNING id",
  );
  // A team member's API token (as tokens.ts stores it: SHA-256 of the secret).
  const apiToken = `fct_${randomBytes(24).toString("hex")}`;
  await db.pool.query(
    "INSERT INTO api_tokens (id, user_id, name, prefix, token_hash) VALUES (gen_random_uuid(), $1, 'bench', $2, $3)",
    [user.rows[0].id, apiToken.slice(0, 12), hashToken(apiToken)],
  );
  const secret = await getOrCreateAuthSecret(db.pool);
  const cookieName = "authjs.session-token";
  const cookie = `${cookieName}=${await encode({ token: { sub: user.rows[0].id, email: "bench@x.test" }, secret, salt: cookieName, maxAge: 3600 })}`;
  const metricsToken = randomBytes(24).toString("hex");
  const web = await startServer({
    DATABASE_URL: db.url,
    FEDERATION_SCHEDULER: "off",
    AUTH_SECRET: secret,
    FEDCONSOLE_METRICS_TOKEN: metricsToken,
  });
  server = web;

  async function measure(what: string, target: number | null, fn: () => Promise<number>) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = -3; i < RUNS; i++) {
      const t = performance.now();
      bytes = await fn();
      if (i >= 0) times.push(performance.now() - t);
    }
    const s = stats(times);
    rows.push({ what, target, p50: s.p50, p95: s.p95, bytes });
    log(`${what.padEnd(44)} p50 ${f1(s.p50).padStart(7)} ms   p95 ${f1(s.p95).padStart(7)} ms`);
  }
  const fetchText = async (url: string, headers: Record<string, string>, mustContain: string) => {
    const res = await fetch(url, { headers });
    const body = await res.text();
    if (res.status !== 200 || !body.includes(mustContain)) throw new Error(`${url}: ${res.status}`);
    return body.length;
  };
  for (const range of HISTORY_RANGES) {
    await measure(`lib getOverview (range ${range})`, null, async () => {
      const o = await getOverview(db.pool, me, { range, nowMs: Date.now() });
      return o.history.ts.length;
    });
  }
  for (const range of HISTORY_RANGES) {
    await measure(`page GET /overview?range=${range}`, 150, () =>
      fetchText(`${web.url}/overview?range=${range}`, { cookie }, 'data-testid="chart-status"'),
    );
  }
  await measure("scrape GET /metrics (FEDCONSOLE_METRICS_TOKEN)", 20, () =>
    fetchText(`${web.url}/metrics`, { Authorization: `Bearer ${metricsToken}` }, "fedconsole_destinations{"),
  );
  await measure("scrape GET /metrics (a member's API token)", 20, () =>
    fetchText(`${web.url}/metrics`, { Authorization: `Bearer ${apiToken}` }, "fedconsole_destinations{"),
  );
} finally {
  await server?.stop();
  await db.close();
}

const load = fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const table = [
  "| case | target | p50 (ms) | p95 (ms) | bytes |",
  "|---|---:|---:|---:|---:|",
  ...rows.map(
    (r) =>
      `| ${r.what} | ${r.target === null ? "" : `≤ ${r.target} ms`} | ${f1(r.p50)} | ${f1(r.p95)} | ${r.what.startsWith("lib") ? "" : r.bytes.toLocaleString("en")} |`,
  ),
  `| one history snapshot (every interval, one process) | | ${f1(snapshotMs)} | | |`,
].join("\n");
console.log(`\n${table}\n`);
if (!ARGS["no-write"]) {
  const file = path.resolve(ROOT, ARGS.out);
  const body = `\`npm run bench:overview -- --n ${N} --runs ${RUNS}\` on ${db.describe.replace(/database \w+ on /, "PostgreSQL at ")}, ${new Date().toISOString().slice(0, 16)} UTC, load average before the run's end ${load}. ${RUNS} sequential requests per case after 3 warm-up; times to the last byte over loopback.\n\n${table}`;
  fs.writeFileSync(
    file,
    replaceSection(
      fs.readFileSync(file, "utf8"),
      "overview",
      "## Overview and /metrics at 1,000,000 destinations",
      body,
    ),
  );
  log(`wrote ${path.relative(ROOT, file)}`);
}
