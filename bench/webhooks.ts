// npm run bench:webhooks [-- --attempts 2000] [--outage 5000] [--out FILE]: what alert webhooks
// cost the scheduler. (1) recordAttempt with and without alert detection in its transaction
// (the hot path: every attempt pays it), alternating failures and successes on 200
// destinations; (2) a network outage: --outage healthy destinations each fail twice (a down
// queued per destination), then one grouping pass turns the queue into one event and its
// deliveries; (3) the periodic pass (late downs, dead, sync) over those --outage down rows.
// Prints a table; --out writes the markdown section.
import fs from "node:fs";
import type pg from "pg";
import { integerArg, scriptArgs } from "../lib/cli/script-args";
import { DEFAULT_BACKOFF } from "../lib/federation/backoff";
import type { AttemptResult } from "../lib/federation/attempt-result";
import type { Claim } from "../lib/federation/claim-due";
import { recordAttempt } from "../lib/federation/record-attempt";
import { createTestDatabase } from "../lib/testing/test-database";
import type { AlertConfig } from "../lib/webhooks/alert-config";
import { evaluateAlerts } from "../lib/webhooks/evaluate-alerts";
import { groupAlerts } from "../lib/webhooks/group-alerts";
import { noteAttemptForAlerts } from "../lib/webhooks/note-attempt";

const ARGS = scriptArgs({
  name: "npm run bench:webhooks",
  usage: "[options]",
  description: "The cost of alert webhooks: detection per attempt, grouping an outage, the periodic pass.",
  positionals: [],
  options: {
    attempts: { type: "string", value: "N", default: "2000", description: "attempts recorded per variant" },
    outage: { type: "string", value: "N", default: "5000", description: "destinations taken down at once" },
    out: { type: "string", value: "FILE", description: "write the markdown section to FILE" },
  },
});
const ATTEMPTS = integerArg("--attempts", ARGS.values.attempts);
const OUTAGE = integerArg("--outage", ARGS.values.outage);

const cfg: AlertConfig = {
  downAfter: 2,
  deadAfterMs: 7 * 86_400_000,
  minGapMs: 1_800_000,
  groupWindowMs: 0,
  groupMin: 5,
  certWarningMs: 14 * 86_400_000,
  syncFailingAfterMs: 900_000,
};
const ok: AttemptResult = {
  outcome: "success",
  stage: "done",
  reason: null,
  message: null,
  httpStatus: 200,
  resolvedAddress: "127.0.0.1:8448",
  serverSoftware: "Synapse",
  serverVersion: "1.2.3",
  durationMs: 5,
  certNotAfterMs: Date.now() + 60 * 86_400_000,
};
const refused: AttemptResult = {
  ...ok,
  outcome: "failure",
  stage: "connect",
  reason: "CONNECT_REFUSED",
  message: "connection refused",
};

async function record(pool: pg.Pool, d: string, r: AttemptResult, nowMs: number, alerts: boolean, i: number) {
  const t = (
    await pool.query("SELECT retry_last_ts, retry_interval, failure_ts FROM destinations WHERE destination = $1", [d])
  ).rows[0];
  const claim: Claim = {
    destination: d,
    trigger: "schedule",
    timings: {
      retryLastTs: BigInt(t.retry_last_ts),
      retryInterval: BigInt(t.retry_interval),
      failureTs: t.failure_ts === null ? null : BigInt(t.failure_ts),
    },
    wakeRequestedAt: null,
  };
  await recordAttempt(
    pool,
    claim,
    { ...r, durationMs: i },
    {
      nowMs,
      owner: "bench",
      backoff: DEFAULT_BACKOFF,
      historyLimit: 50,
      afterRecord: alerts
        ? (tx, c, res, now) => noteAttemptForAlerts(tx, c.destination, c.timings, res, now, cfg)
        : undefined,
    },
  );
}

const ms = (t0: number) => performance.now() - t0;

async function main() {
  const db = await createTestDatabase();
  const pool = db.pool;
  const rows: [string, string][] = [];
  const names = Array.from({ length: 200 }, (_, i) => `d${i}.example`);
  const perAttempt: Record<string, number> = {};
  for (const alerts of [false, true, false, true]) {
    await pool.query("TRUNCATE destinations, alert_pending CASCADE");
    await pool.query("INSERT INTO destinations (destination) SELECT unnest($1::text[])", [names]);
    const t0 = performance.now();
    const base = Date.now();
    for (let i = 0; i < ATTEMPTS; i++) {
      await record(
        pool,
        names[i % names.length],
        Math.floor(i / names.length) % 3 === 2 ? ok : refused,
        base + i,
        alerts,
        i,
      );
    }
    perAttempt[String(alerts)] = ms(t0) / ATTEMPTS; // the second run of each variant counts (warm)
  }
  const without = perAttempt.false;
  const withAlerts = perAttempt.true;
  rows.push([
    `recordAttempt, without alert detection (${ATTEMPTS} attempts, one connection)`,
    `${without.toFixed(2)} ms each`,
  ]);
  rows.push([
    "recordAttempt, with alert detection",
    `${withAlerts.toFixed(2)} ms each (+${(withAlerts - without).toFixed(2)} ms, ${(((withAlerts - without) / without) * 100).toFixed(0)} %)`,
  ]);

  await pool.query("TRUNCATE destinations, alert_pending, webhook_events, webhook_endpoints CASCADE");
  const outage = Array.from({ length: OUTAGE }, (_, i) => `o${i}.example`);
  await pool.query("INSERT INTO destinations (destination) SELECT unnest($1::text[])", [outage]);
  await pool.query(
    "INSERT INTO webhook_endpoints (url, secret_box, events) SELECT 'http://127.0.0.1:9/' || g, 'x', '{down}' FROM generate_series(1, 3) g",
  );
  const t = Date.now();
  for (const [k, r] of [ok, refused, refused].entries()) {
    for (let i = 0; i < outage.length; i++) await record(pool, outage[i], r, t + k * 1000 + i, true, i);
  }
  const queued = (await pool.query("SELECT count(*)::int AS n FROM alert_pending WHERE kind = 'down'")).rows[0].n;
  let t0 = performance.now();
  const events = await groupAlerts(pool, t + 10_000 + OUTAGE, cfg, { serverName: "bench.example" });
  const groupMs = ms(t0);
  const deliveries = (await pool.query("SELECT count(*)::int AS n FROM webhook_deliveries")).rows[0].n;
  const body = (await pool.query("SELECT length(body) AS n FROM webhook_events")).rows[0]?.n;
  rows.push([
    `grouping ${queued} queued downs`,
    `${groupMs.toFixed(0)} ms → ${events} event, ${deliveries} deliveries, body ${body} bytes`,
  ]);
  t0 = performance.now();
  await evaluateAlerts(pool, t + 20_000, cfg);
  rows.push([`periodic pass over ${OUTAGE} down destinations`, `${ms(t0).toFixed(1)} ms`]);

  const table = ["| measure | result |", "|---|---|", ...rows.map(([a, b]) => `| ${a} | ${b} |`)].join("\n");
  console.log(table);
  if (ARGS.values.out) fs.writeFileSync(ARGS.values.out, `${table}\n`);
  await db.close();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
