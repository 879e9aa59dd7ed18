// npx tsx bench/upstream-db-scan.ts [-- N] [--page-size 1000] [--locale SQL] [--runs 2]:
// the database source alone (lib/upstream/database-source.ts) over a Synapse-shaped database
// of N destinations (default 1,000,000) with ~5 N rooms (bench/support/synapse-db.ts) on the
// machine's PostgreSQL (or an embedded one), read through a SELECT-only role. Prints the full
// scan's time (pages, rows, rooms), this process's peak RSS, the recent-failures query (a
// sequential scan: Synapse has no index on retry_last_ts) and point-read latencies. The load
// average is printed too: on a shared machine the figures are only as good as it is idle.
import os from "node:os";
import { createTestDatabase } from "../lib/testing/test-database";
import { loadSettings } from "../lib/settings/settings";
import { createDatabaseSource } from "../lib/upstream/database-source";
import { integerArg, scriptArgs } from "../lib/cli/script-args";
import { createFilledSynapseDatabase } from "./support/synapse-db";

const ARGS = scriptArgs({
  name: "npx tsx bench/upstream-db-scan.ts",
  usage: "[-- N] [options]",
  description: "The database source scanning a Synapse database of N destinations (default 1,000,000).",
  positionals: ["N"],
  options: {
    n: { type: "string", value: "N", default: "1000000", description: "destinations (or N as the first argument)" },
    "page-size": { type: "string", value: "P", default: "1000", description: "destinations per page" },
    runs: { type: "string", value: "R", default: "2", description: "full scans (the first warms the cache)" },
    locale: { type: "string", value: "SQL", description: "CREATE DATABASE locale clause (default C)" },
  },
});
const N = integerArg("N", ARGS.positionals[0] ?? ARGS.values.n);
const PAGE = integerArg("--page-size", ARGS.values["page-size"]);
const RUNS = integerArg("--runs", ARGS.values.runs);
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  const server = await createTestDatabase();
  console.log(`PostgreSQL: ${server.describe}`);
  console.log(`creating a Synapse database with ${N.toLocaleString("en")} destinations…`);
  const synapse = await createFilledSynapseDatabase(server.url, N, { locale: ARGS.values.locale });
  console.log(
    `  ${synapse.destinations.toLocaleString("en")} destinations, ${synapse.destinationRooms.toLocaleString("en")} destination_rooms rows, ` +
      `${synapse.rooms.toLocaleString("en")} rooms, built in ${sec(synapse.loadMs)}`,
  );
  const s = loadSettings({ FEDCONSOLE_UPSTREAM_DATABASE_URL: synapse.readOnlyUrl });
  if (!s.upstream) throw new Error("no upstream settings");
  const source = createDatabaseSource(s.upstream, s.attempts);
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const ordering = await source.ordering(AbortSignal.timeout(10_000));
    console.log(`  key order: ${ordering.destinations ? "byte order (keyset pages)" : "not C (cursor scan)"}`);
    for (let run = 1; run <= RUNS; run++) {
      global.gc?.();
      const started = performance.now();
      const cpu = process.cpuUsage();
      let pages = 0;
      let rows = 0;
      let rooms = 0;
      let problems = 0;
      for await (const p of source.scanDestinations(PAGE, AbortSignal.timeout(600_000))) {
        pages++;
        rows += p.rows.length;
        problems += p.problems.length;
        for (const list of p.rooms?.values() ?? []) rooms += list.length;
      }
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      console.log(
        `full scan ${run}: ${sec(ms)} (this process's CPU ${sec((used.user + used.system) / 1000)}) — ${pages} pages of ${PAGE}, ` +
          `${rows.toLocaleString("en")} rows, ${rooms.toLocaleString("en")} rooms, ${problems} problems, ` +
          `${Math.round(rows / (ms / 1000)).toLocaleString("en")} rows/s`,
      );
    }
    console.log(
      `peak RSS of this process: ${mb(peak)}; load average ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")} on ${os.cpus().length} CPUs`,
    );
    const now = BigInt(Date.now());
    for (const [what, watermark] of [
      ["last 15 s", now - 15_000n],
      ["last hour", now - 3_600_000n],
      ["everything (watermark 1)", 1n],
    ] as const) {
      const times: number[] = [];
      let got = 0;
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        got = (await source.recentFailures(watermark, {}, AbortSignal.timeout(60_000))).rows.length;
        times.push(performance.now() - t);
      }
      console.log(`recentFailures (${what}): ${Math.min(...times).toFixed(0)} ms min of 5, ${got} rows`);
    }
    for (const [what, read] of [
      [
        "destination(name)",
        (i: number) => source.destination(`hs${i}.example${i % 97}.org`, AbortSignal.timeout(5_000)),
      ],
      ["rooms(name)", (i: number) => source.rooms(`hs${i}.example${i % 97}.org`, AbortSignal.timeout(5_000))],
    ] as const) {
      const t = performance.now();
      for (let i = 1; i <= 200; i++) await read(i * 13 + 1);
      console.log(`${what}: ${((performance.now() - t) / 200).toFixed(2)} ms each (200 sequential)`);
    }
  } finally {
    clearInterval(sampler);
    await source.close();
    await synapse.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
