// npm run bench:load [-- --rate 200 --seconds 30 --n 10000 --no-write]: a bounded open-loop load
// of mixed API traffic (list in every order, details, rooms, reset) against two web instances
// on one PostgreSQL, loopback only. Prints throughput, p50/p99 latency per call kind, and errors
// (any 5xx, or network errors), and writes them to docs/benchmarks.md (section bench:load)
// unless --no-write. Target: 0 errors, p99 ≤ 100 ms at 200 req/s.
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { createTestDatabase } from "../lib/testing/test-database";
import { importDestinations } from "../lib/destinations/import/import-destinations";
import { Readable } from "node:stream";
import { fedctl, startServer } from "../e2e/support/server";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { loadSettings } from "../lib/settings/settings";
import { replaceSection } from "./support/markdown";
import { integerArg, scriptArgs } from "../lib/cli/script-args";

const ARGS = scriptArgs({
  name: "npm run bench:load",
  usage: "[-- options]",
  description: "A bounded open-loop load of mixed API traffic against two web instances on one PostgreSQL.",
  options: {
    rate: { type: "string", value: "R", default: "200", description: "requests offered per second" },
    seconds: { type: "string", value: "T", default: "30", description: "duration (at most 60)" },
    n: { type: "string", value: "N", default: "10000", description: "destinations" },
    "no-write": { type: "boolean", description: "print only, leave docs/benchmarks.md alone" },
  },
}).values;
const RATE = integerArg("--rate", ARGS.rate);
const SECONDS = Math.min(integerArg("--seconds", ARGS.seconds), 60);
const N = integerArg("--n", ARGS.n);
const ORDERS = ["destination", "retry_last_ts", "retry_interval", "failure_ts", "last_successful_stream_ordering"];

const pct = (xs: number[], p: number) =>
  xs.length ? xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN;

async function main() {
  const root = path.resolve(import.meta.dirname, "..");
  const load0 = os.loadavg();
  const startedAt = new Date();
  buildIfNeeded(root, loadSettings(process.env).build, console.log);
  const db = await createTestDatabase();
  const lines = Array.from({ length: N }, (_, i) =>
    JSON.stringify({
      destination: `host${i}.example.org`,
      retry_last_ts: i % 3 === 0 ? 1_700_000_000_000 + i : 0,
      retry_interval: i % 3 === 0 ? 600_000 * (1 + (i % 7)) : 0,
      failure_ts: i % 3 === 0 ? 1_699_000_000_000 + i : null,
      last_successful_stream_ordering: i % 10 === 0 ? null : i * 3,
      rooms: Array.from({ length: i % 6 }, (_, k) => ({ room_id: `!r${k}x${i}:example.org`, stream_ordering: k })),
    }),
  );
  await importDestinations(Readable.from(lines.map((l) => l + "\n")), { pool: db.pool });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-load-"));
  const env = {
    DATABASE_URL: db.url,
    FEDCONSOLE_DATA_DIR: dataDir,
    FEDERATION_SCHEDULER: "off",
    FEDCONSOLE_BUILD: "never",
  };
  await fedctl(["users", "add", "load@example.org", "--role", "operator", "--password", "load-password"], env);
  const token = (await fedctl(["tokens", "create", "load@example.org"], env)).stdout.trim();
  const webs = await Promise.all([startServer(env), startServer(env)]);
  const headers = { Authorization: `Bearer ${token}` };
  const FED = "/_synapse/admin/v1/federation/destinations";

  type Sample = { kind: string; ms: number; status: number };
  const samples: Sample[] = [];
  let errors = 0;
  const errorExamples: string[] = [];
  const one = async (i: number) => {
    const web = webs[i % 2];
    const r = i % 10;
    const d = `host${(i * 7919) % N}.example.org`;
    let kind: string,
      url: string,
      method = "GET";
    if (r < 6) {
      kind = "list";
      url = `${FED}?limit=100&from=${(i * 13) % 1000}&order_by=${ORDERS[i % 5]}&dir=${i % 2 ? "b" : "f"}`;
    } else if (r < 8) {
      kind = "details";
      url = `${FED}/${d}`;
    } else if (r < 9) {
      kind = "rooms";
      url = `${FED}/${d}/rooms?limit=10`;
    } else {
      kind = "reset";
      url = `${FED}/host${((i * 3 * 7919) % N) - (((i * 3 * 7919) % N) % 3)}.example.org/reset_connection`;
      method = "POST";
    }
    const t = performance.now();
    try {
      const res = await fetch(web.url + url, { method, headers });
      await res.arrayBuffer();
      samples.push({ kind, ms: performance.now() - t, status: res.status });
      if (res.status >= 500) {
        errors++;
        if (errorExamples.length < 5) errorExamples.push(`${kind} ${res.status}`);
      }
    } catch (e) {
      errors++;
      if (errorExamples.length < 5) errorExamples.push(`${kind} ${(e as Error).message}`);
    }
  };
  // Warm-up, then the open loop: requests start on schedule whether or not earlier ones finished.
  for (let i = 0; i < 200; i++) await one(i);
  samples.length = 0;
  const total = RATE * SECONDS;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(one(i));
  }
  await Promise.all(inflight);
  const wall = (performance.now() - started) / 1000;
  await Promise.all(webs.map((w) => w.stop()));
  await db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });

  const rows = [`| kind | requests | p50 ms | p99 ms | statuses |`, `|---|---|---|---|---|`];
  for (const kind of ["list", "details", "rooms", "reset", "all"]) {
    const s = kind === "all" ? samples : samples.filter((x) => x.kind === kind);
    const statuses = [...new Set(s.map((x) => x.status))]
      .sort()
      .map((st) => `${st}×${s.filter((x) => x.status === st).length}`)
      .join(" ");
    rows.push(
      `| ${kind} | ${s.length} | ${pct(
        s.map((x) => x.ms),
        50,
      ).toFixed(1)} | ${pct(
        s.map((x) => x.ms),
        99,
      ).toFixed(1)} | ${statuses} |`,
    );
  }
  const all = samples.map((x) => x.ms);
  const p99 = pct(all, 99);
  const summary =
    `${total} requests offered at ${RATE}/s over ${SECONDS} s to 2 web instances (${N} destinations): ` +
    `throughput ${(samples.length / wall).toFixed(0)} req/s, errors ${errors}${errorExamples.length ? ` (${errorExamples.join("; ")})` : ""}`;
  console.log(`\n${rows.join("\n")}\n\n${summary}`);
  if (!ARGS["no-write"]) {
    const l1 = os.loadavg();
    const body = [
      `Run on ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC: \`npm run bench:load -- --rate ${RATE} --seconds ${SECONDS} --n ${N}\`.`,
      "",
      `Two web instances (\`scripts/start.ts\`, scheduler off, default pool of 10 each) on one fresh database (${db.describe}), ${N.toLocaleString("en-US")} destinations imported; an open-loop client on the same machine starts requests on schedule whether or not earlier ones finished, alternating the instances: 60 % list (limit 100, from 0–999, every order and direction), 20 % details, 10 % rooms, 10 % reset. 200 warm-up requests first. Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "?"}, load average ${load0.map((x) => x.toFixed(1)).join(" / ")} at the start, ${l1.map((x) => x.toFixed(1)).join(" / ")} at the end.`,
      "",
      ...rows,
      "",
      `${summary}. Target 0 errors and p99 ≤ 100 ms at 200 req/s: **${errors === 0 && p99 <= 100 ? "met" : "missed"}** (p99 of all requests ${p99.toFixed(1)} ms).`,
    ].join("\n");
    const out = path.join(root, "docs", "benchmarks.md");
    fs.writeFileSync(
      out,
      replaceSection(fs.readFileSync(out, "utf8"), "load", "## Mixed API load on two web instances", body),
    );
    console.log(`written to ${out}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
