// npm run bench:scheduler [-- N] [--tick-n 1000000] [--tick-due 100] [--no-tick] [--out FILE]:
// the retry scheduler against a fake fleet on loopback.
// N due destinations (default 10,000) over N real HTTPS servers — 80 % healthy, 10 % down
// (closed port), 10 % slow (300 ms) — attempted by one `npm run scheduler` process with the
// default concurrency. Prints wall time, attempts/s, peak concurrency (from the recorded
// attempt intervals), the scheduler's peak RSS, the database time per tick (every statement
// of the scheduler process timed by bench/support/pg-probe.ts), then reset-to-attempt latency
// over 100 resets. Then the tick cost on a big table: --tick-n destinations (default
// 1,000,000) of which --tick-due are due, timing claimDue itself and showing its plans
// (it must walk the partial due indexes, never the table). --out writes the markdown section.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startFakeFleet, type Behaviour } from "../lib/federation/testing/fake-fleet";
import { createTestDatabase } from "../lib/testing/test-database";
import { resetConnection } from "../lib/destinations/reset-connection";
import { CLI_PRINCIPAL } from "../lib/auth/principal";
import { measureTickCost, type TickCost } from "./support/tick-cost";
import { loadSettings } from "../lib/settings/settings";
import { integerArg, scriptArgs } from "../lib/cli/script-args";

const ARGS = scriptArgs({
  name: "npm run bench:scheduler",
  usage: "[-- N] [options]",
  description: "The retry scheduler against N due destinations on a fake fleet (default 10,000), then the tick cost.",
  positionals: ["N"],
  options: {
    n: { type: "string", value: "N", default: "10000", description: "due destinations (or N as the first argument)" },
    "tick-n": { type: "string", value: "N", default: "1000000", description: "destinations of the tick-cost table" },
    "tick-due": { type: "string", value: "D", default: "100", description: "of which due" },
    "no-tick": { type: "boolean", description: "skip the tick cost" },
    out: { type: "string", value: "FILE", description: "write the markdown section to FILE" },
  },
});
const N = integerArg("N", ARGS.positionals[0] ?? ARGS.values.n);
const TICK_N = integerArg("--tick-n", ARGS.values["tick-n"]);
const TICK_DUE = integerArg("--tick-due", ARGS.values["tick-due"]);
const OUT = ARGS.values.out ?? "";
const root = path.resolve(import.meta.dirname, "..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function behaviourOf(i: number): Behaviour {
  const k = i % 10;
  return k === 0 ? "down" : k === 1 ? { kind: "slow", delayMs: 300 } : "healthy";
}

const pct = (xs: number[], p: number) =>
  xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function main() {
  console.log(`starting ${N} fake homeservers…`);
  const fleet = await startFakeFleet(
    Array.from({ length: N }, (_, i) => ({ name: `s${i}`, behaviour: behaviourOf(i) })),
  );
  const db = await createTestDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-bench-"));
  fs.writeFileSync(path.join(dir, "ca.pem"), fleet.caPem);
  await db.pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts) SELECT unnest($1::text[]), 1, 600000, 1",
    [fleet.servers.map((s) => s.serverName)],
  );
  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    FEDERATION_CA_FILE: path.join(dir, "ca.pem"),
    FEDERATION_IP_RANGE_ALLOWLIST: "127.0.0.0/8",
    FEDERATION_HEALTH_INTERVAL: "0",
    FEDERATION_ATTEMPT_TIMEOUT: "5s",
  };
  // The probe times every statement the scheduler process sends (its DB time per tick).
  const probeOut = path.join(dir, "probe.json");
  const proc = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--import",
      path.join(root, "bench", "support", "pg-probe.ts"),
      ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      path.join(root, "scripts", "scheduler.ts"),
    ],
    { cwd: root, env: { ...env, BENCH_PG_PROBE_OUT: probeOut }, stdio: ["ignore", "pipe", "inherit"] },
  );
  let peakRssKb = 0;
  const rssTimer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${proc.pid}/status`, "utf8"));
      if (m) peakRssKb = Math.max(peakRssKb, Number(m[1]));
    } catch {
      /* exited */
    }
  }, 200);
  const t0 = Date.now();
  const benchCpu0 = process.cpuUsage();
  for (;;) {
    const r = await db.pool.query("SELECT count(*)::int AS n FROM attempts");
    if (r.rows[0].n >= N) break;
    await sleep(200);
  }
  const wall = Date.now() - t0;
  // Where the CPU went during the run: the scheduler process (since its start: a few hundred ms
  // of start-up included), this process (the fake fleet's TLS servers), and the database's
  // backends serving the scheduler (since their connection; the bench's own count polls included).
  const benchCpu = process.cpuUsage(benchCpu0);
  const cpu = {
    scheduler: cpuSeconds(proc.pid!),
    fleet: (benchCpu.user + benchCpu.system) / 1e6,
    database: (
      await db.pool.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
    ).rows.reduce((sum, r) => sum + cpuSeconds(r.pid), 0),
  };
  const spans = (await db.pool.query("SELECT started_ts::float8 AS s, duration_ms AS d FROM attempts")).rows as {
    s: number;
    d: number;
  }[];
  const events = spans
    .flatMap((x) => [
      [x.s, 1],
      [x.s + x.d, -1],
    ])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0,
    peak = 0;
  for (const [, delta] of events) {
    cur += delta;
    peak = Math.max(peak, cur);
  }
  const outcomes = (
    await db.pool.query("SELECT outcome, count(*)::int AS n FROM attempts GROUP BY outcome ORDER BY outcome")
  ).rows;

  // Reset-to-attempt: put 100 healthy destinations into a long backoff, reset each, and read
  // the gap between the reset (wake_requested_at) and the start of the attempt it caused.
  const healthy = fleet.servers
    .filter((_, i) => behaviourOf(i) === "healthy")
    .slice(0, 100)
    .map((s) => s.serverName);
  await db.pool.query(
    "UPDATE destinations SET retry_last_ts = $2, retry_interval = 86400000, failure_ts = $2 WHERE destination = ANY($1)",
    [healthy, Date.now()],
  );
  const gaps: number[] = [];
  for (const d of healthy) {
    const before = Date.now();
    await resetConnection(db.pool, CLI_PRINCIPAL, d);
    for (;;) {
      const r = await db.pool.query(
        "SELECT started_ts::float8 AS s FROM attempts WHERE destination = $1 AND trigger = 'reset'",
        [d],
      );
      if (r.rowCount) {
        gaps.push(r.rows[0].s - before);
        break;
      }
      await sleep(5);
    }
  }
  clearInterval(rssTimer);
  proc.kill("SIGTERM");
  await new Promise((r) => proc.once("exit", r));
  await fleet.close();
  await db.close();
  const probe = JSON.parse(fs.readFileSync(probeOut, "utf8")) as {
    totals: Record<"claim" | "other", { n: number; ms: number }>;
    ticks: number[];
  };
  fs.rmSync(dir, { recursive: true, force: true });

  let tick: TickCost | undefined;
  if (!ARGS.values["no-tick"]) {
    console.log(`\ntick cost: ${TICK_N} destinations, ${TICK_DUE} due…`);
    tick = await measureTickCost(TICK_N, TICK_DUE);
  }

  const t = probe.ticks;
  const f1 = (x: number) => x.toFixed(1);
  const lines = [
    "| measure | value |",
    "|---|---|",
    `| due destinations | ${N.toLocaleString("en")} (80 % healthy, 10 % closed port, 10 % 300 ms slow) |`,
    `| wall time until all attempted | ${(wall / 1000).toFixed(1)} s |`,
    `| attempts/s | ${Math.round((N * 1000) / wall)} |`,
    `| peak concurrency (recorded attempt overlap) | ${peak} |`,
    `| outcomes | ${outcomes.map((o) => `${o.outcome} ${o.n}`).join(", ")} |`,
    `| scheduler peak RSS | ${Math.round(peakRssKb / 1024)} MB |`,
    `| ticks (claimDue calls) | ${t.length} (${f1(N / Math.max(1, t.length))} claims per tick on average) |`,
    `| DB time per tick (claim statements), p50 / p99 / mean | ${f1(pct(t, 50))} ms / ${f1(pct(t, 99))} ms / ${f1(probe.totals.claim.ms / Math.max(1, t.length))} ms |`,
    `| DB time per attempt (recording: history row, timings, state, pruning) | ${f1(probe.totals.other.ms / N)} ms (${probe.totals.other.n} statements in all) |`,
    `| DB time summed over all statements (they overlap: up to ${peak} attempts in flight) | ${f1((probe.totals.claim.ms + probe.totals.other.ms) / 1000)} s in a ${(wall / 1000).toFixed(1)} s run |`,
    `| CPU during the run: scheduler process / fake fleet (TLS servers) / database backends | ${f1(cpu.scheduler)} s / ${f1(cpu.fleet)} s / ${f1(cpu.database)} s (2 cores: ${f1((2 * wall) / 1000)} core-seconds in the run) |`,
    `| CPU per attempt: scheduler / fleet / database | ${f2ms(cpu.scheduler / N)} / ${f2ms(cpu.fleet / N)} / ${f2ms(cpu.database / N)} ms |`,
    `| reset → attempt start, p50 / p99 (100 resets) | ${pct(gaps, 50)} ms / ${pct(gaps, 99)} ms |`,
  ];
  console.log("\n" + lines.join("\n"));
  const md = [
    `Run: \`npm run bench:scheduler -- ${N}\`. The scheduler is a separate \`npm run scheduler\` process (default settings: concurrency ${loadSettings(process.env).scheduler.concurrency}, health checks off for the run) on a fresh database; ${N.toLocaleString("en")} destinations due at once, each served by its own real HTTPS server on loopback. DB times are measured in the scheduler process (client side, per statement, by \`bench/support/pg-probe.ts\`; they include event-loop delay while up to ${peak} TLS attempts run).`,
    "",
    ...lines,
  ];
  if (tick) {
    const tl = tickLines(tick);
    console.log("\n" + tl.join("\n"));
    md.push("", ...tl);
  }
  if (OUT) fs.writeFileSync(OUT, md.join("\n") + "\n");
}

const f2ms = (sec: number) => (sec * 1000).toFixed(2);

/** User + system CPU seconds of a process so far (/proc/<pid>/stat), 0 if it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime (fields 14, 15)
  } catch {
    return 0;
  }
}
/** USER_HZ: 100 on Linux (sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS = 100;

function tickLines(t: TickCost): string[] {
  const f2 = (x: number) => x.toFixed(2);
  return [
    `**Tick cost at ${t.n.toLocaleString("en")} destinations, ${t.due} due** (\`claimDue\` of lib/federation/claim-due.ts with limit ${t.limit} — every due one plus the default concurrency, so all three claim statements run —, health interval 1 h; ${t.failing.toLocaleString("en")} backing off but not due, the rest healthy and checked within the hour; at every tick exactly ${t.due} are due (the previous tick's ${t.due} recorded as the scheduler would: next retry a day later, claim released), ${t.samples} ticks after warm-up; table filled and vacuumed in ${f2(t.fillSeconds)} s):`,
    "",
    "| measure | value |",
    "|---|---|",
    `| claimed per tick | ${t.claimed} |`,
    `| tick (claimDue: all three claim statements), p50 / p95 / p99 | ${f2(t.stats.p50)} ms / ${f2(t.stats.p95)} ms / ${f2(t.stats.p99)} ms |`,
    `| idle tick (nothing due), p50 | ${f2(t.idleP50)} ms |`,
    `| plans | ${t.planSummary} |`,
    `| sequential scan of destinations in any plan | ${t.seqScan ? "**yes**" : "no"} |`,
    "",
    "EXPLAIN (ANALYZE, BUFFERS) of one tick's statements (the last block; in a transaction rolled back):",
    "",
    "```",
    ...t.plans,
    "```",
  ];
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
