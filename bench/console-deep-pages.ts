// npx tsx bench/console-deep-pages.ts --db NAME [--page P] [--runs R] [--plain]: the console
// list's deep page (listConsoleDestinations, 100 rows at page P, default 5,000 = OFFSET 499,900)
// for every sort both ways, on an existing database (e.g. one kept by `npm run bench --
// --keep-db`), median of R runs after one warm-up; --plain also times the plain OFFSET query
// of the same order, which reads every skipped row. Figures: docs/benchmarks.md.
import os from "node:os";
import pg from "pg";
import { CLI_PRINCIPAL } from "../lib/auth/principal";
import { integerArg, scriptArgs } from "../lib/cli/script-args";
import { CONSOLE_SORTS, DEFAULT_LIST_QUERY } from "../lib/destinations/console-list-query";
import { listConsoleDestinations, orderByClause } from "../lib/destinations/list-console-destinations";

const { values: ARGS } = scriptArgs(
  {
    name: "npx tsx bench/console-deep-pages.ts",
    usage: "--db NAME [options]",
    description: "The console list's deep pages for every sort both ways, on an existing database.",
    options: {
      db: { type: "string", value: "NAME", required: true, description: "database on the server of --pg" },
      pg: {
        type: "string",
        value: "URL",
        default: process.env.BENCH_PG_SERVER_URL || "postgresql://postgres@127.0.0.1:5432/postgres",
        description: "PostgreSQL server",
      },
      page: { type: "string", value: "P", default: "5000", description: "page of 100 rows" },
      runs: { type: "string", value: "R", default: "5", description: "timed runs per view" },
      plain: { type: "boolean", description: "also time the plain OFFSET query of each order" },
    },
  },
  process.argv.slice(2),
);
const url = new URL(ARGS.pg);
url.pathname = `/${ARGS.db}`;
const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
const page = Math.max(1, integerArg("page", ARGS.page));
const runs = Math.max(1, integerArg("runs", ARGS.runs));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(f: () => Promise<unknown>): Promise<number> {
  await f();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

console.log(
  `load average at start: ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" / ")}`,
);
console.log(`| sort | dir | listConsoleDestinations page ${page} (ms) |${ARGS.plain ? " plain OFFSET (ms) |" : ""}`);
console.log(`|---|---|---:|${ARGS.plain ? "---:|" : ""}`);
for (const sort of CONSOLE_SORTS) {
  for (const dir of ["asc", "desc"] as const) {
    const q = { ...DEFAULT_LIST_QUERY, sort, dir, size: 100, page };
    const ours = await time(() => listConsoleDestinations(pool, CLI_PRINCIPAL, q));
    let plain = "";
    if (ARGS.plain) {
      const sql = `SELECT * FROM destinations ORDER BY ${orderByClause(sort, dir)} LIMIT 100 OFFSET ${(page - 1) * 100}`;
      plain = ` ${(await time(() => pool.query(sql))).toFixed(1)} |`;
    }
    console.log(`| ${sort} | ${dir} | ${ours.toFixed(1)} |${plain}`);
  }
}
console.log(
  `load average at end: ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" / ")}`,
);
await pool.end();
