// npm run bench:scheduler [-- N]: the retry scheduler against a fake fleet on loopback.
// N due destinations (default 10,000) over N real HTTPS servers — 80 % healthy, 10 % down
// (closed port), 10 % slow (300 ms) — attempted by one `npm run scheduler` process with the
// default concurrency. Prints wall time, attempts/s, peak concurrency (from the recorded
// attempt intervals), the scheduler's peak RSS, then reset-to-attempt latency over 100 resets.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startFakeFleet, type Behaviour } from "../lib/federation/testing/fake-fleet";
import { createTestDatabase } from "../lib/testing/test-database";
import { resetConnection } from "../lib/destinations/reset-connection";
import { CLI_PRINCIPAL } from "../lib/auth/principal";

const N = Number(process.argv[2] ?? 10_000);
const root = path.resolve(import.meta.dirname, "..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function behaviourOf(i: number): Behaviour {
  const k = i % 10;
  return k === 0 ? "down" : k === 1 ? { kind: "slow", delayMs: 300 } : "healthy";
}

const pct = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function main() {
  console.log(`starting ${N} fake homeservers…`);
  const fleet = await startFakeFleet(Array.from({ length: N }, (_, i) => ({ name: `s${i}`, behaviour: behaviourOf(i) })));
  const db = await createTestDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-bench-"));
  fs.writeFileSync(path.join(dir, "ca.pem"), fleet.caPem);
  await db.pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts) SELECT unnest($1::text[]), 1, 600000, 1",
    [fleet.servers.map((s) => s.serverName)],
  );
  const env = {
    ...process.env, DATABASE_URL: db.url, FEDERATION_CA_FILE: path.join(dir, "ca.pem"), FEDERATION_IP_RANGE_ALLOWLIST: "127.0.0.0/8",
    FEDERATION_HEALTH_INTERVAL: "0", FEDERATION_ATTEMPT_TIMEOUT: "5s",
  };
  const proc = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "scheduler.ts")], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
  let peakRssKb = 0;
  const rssTimer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${proc.pid}/status`, "utf8"));
      if (m) peakRssKb = Math.max(peakRssKb, Number(m[1]));
    } catch { /* exited */ }
  }, 200);
  const t0 = Date.now();
  for (;;) {
    const r = await db.pool.query("SELECT count(*)::int AS n FROM attempts");
    if (r.rows[0].n >= N) break;
    await sleep(200);
  }
  const wall = Date.now() - t0;
  const spans = (await db.pool.query("SELECT started_ts::float8 AS s, duration_ms AS d FROM attempts")).rows as { s: number; d: number }[];
  const events = spans.flatMap((x) => [[x.s, 1], [x.s + x.d, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0, peak = 0;
  for (const [, delta] of events) { cur += delta; peak = Math.max(peak, cur); }
  const outcomes = (await db.pool.query("SELECT outcome, count(*)::int AS n FROM attempts GROUP BY outcome ORDER BY outcome")).rows;

  // Reset-to-attempt: put 100 healthy destinations into a long backoff, reset each, and read
  // the gap between the reset (wake_requested_at) and the start of the attempt it caused.
  const healthy = fleet.servers.filter((_, i) => behaviourOf(i) === "healthy").slice(0, 100).map((s) => s.serverName);
  await db.pool.query("UPDATE destinations SET retry_last_ts = $2, retry_interval = 86400000, failure_ts = $2 WHERE destination = ANY($1)", [healthy, Date.now()]);
  const gaps: number[] = [];
  for (const d of healthy) {
    const before = Date.now();
    await resetConnection(db.pool, CLI_PRINCIPAL, d);
    for (;;) {
      const r = await db.pool.query("SELECT started_ts::float8 AS s FROM attempts WHERE destination = $1 AND trigger = 'reset'", [d]);
      if (r.rowCount) { gaps.push(r.rows[0].s - before); break; }
      await sleep(5);
    }
  }
  clearInterval(rssTimer);
  proc.kill("SIGTERM");
  await new Promise((r) => proc.once("exit", r));
  await fleet.close();
  await db.close();

  console.log("\n| measure | value |\n|---|---|");
  console.log(`| due destinations | ${N} (80 % healthy, 10 % closed port, 10 % 300 ms slow) |`);
  console.log(`| wall time until all attempted | ${(wall / 1000).toFixed(1)} s |`);
  console.log(`| attempts/s | ${Math.round((N * 1000) / wall)} |`);
  console.log(`| peak concurrency (recorded attempt overlap) | ${peak} |`);
  console.log(`| outcomes | ${outcomes.map((o) => `${o.outcome} ${o.n}`).join(", ")} |`);
  console.log(`| scheduler peak RSS | ${Math.round(peakRssKb / 1024)} MB |`);
  console.log(`| reset → attempt start, p50 / p99 (100 resets) | ${pct(gaps, 50)} ms / ${pct(gaps, 99)} ms |`);
}

main().catch((e) => { console.error(e); process.exit(1); });
