// npm run bench:webhooks [-- --attempts 2000] [--outage 5000] [--out FILE]: what alert webhooks
// cost the scheduler. (1) recordAttempt with and without alert detection in its transaction
// (the hot path: every attempt pays it), alternating failures and successes on 200
// destinations; (2) a network outage: --outage healthy destinations each fail twice (a down
// queued per destination), then one grouping pass turns the queue into one event and its
// deliveries; (3) the periodic pass (late downs, dead, sync) over those --outage down rows.
// The outage's rows are written by SQL in the shape note-attempt.ts writes them (recording
// OUTAGE × 3 attempts would only time recordAttempt again). Prints a table; --out writes the markdown section.
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

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const db = await createTestDatabase();
  const pool = db.pool;
  const rows: [string, string][] = [];
  const names = Array.from({ length: 200 }, (_, i) => `d${i}.example`);
  await pool.query("INSERT INTO destinations (destination) SELECT unnest($1::text[])", [names]);
  // The two variants in alternating rounds, so load on the machine hits both alike; medians.
  const rounds = 10;
  const per = Math.max(1, Math.floor(ATTEMPTS / rounds));
  const times: Record<"with" | "without", number[]> = { with: [], without: [] };
  let i = 0;
  const base = Date.now();
  for (let round = 0; round < rounds * 2; round++) {
    const alerts = round % 2 === 1;
    const t0 = performance.now();
    for (let k = 0; k < per; k++, i++) {
      await record(
        pool,
        names[i % names.length],
        Math.floor(i / names.length) % 3 === 2 ? ok : refused,
        base + i,
        alerts,
        i,
      );
    }
    times[alerts ? "with" : "without"].push(ms(t0) / per);
  }
  const without = median(times.without);
  const withAlerts = median(times.with);
  rows.push([
    `recordAttempt without alert detection (${rounds} rounds of ${per}, median)`,
    `${without.toFixed(2)} ms each`,
  ]);
  rows.push([
    "recordAttempt with alert detection (1 SELECT + 1 write more)",
    `${withAlerts.toFixed(2)} ms each (${withAlerts >= without ? "+" : ""}${(withAlerts - without).toFixed(2)} ms)`,
  ]);

  // An outage: OUTAGE destinations down, one queued down each (the rows note-attempt.ts writes).
  await pool.query("TRUNCATE destinations, alert_pending, webhook_events, webhook_endpoints CASCADE");
  const t = Date.now();
  await pool.query(
    `INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts)
     SELECT 'o' || g || '.example', $1, 600000, $1 FROM generate_series(1, $2) g`,
    [t, OUTAGE],
  );
  await pool.query(
    `INSERT INTO alert_states (destination, state, consecutive_failures, failing_since, last_reason, down_announced, last_down_alert_at)
     SELECT destination, 'down', 2, $1, 'CONNECT_REFUSED', true, $1 FROM destinations`,
    [t],
  );
  await pool.query(
    `INSERT INTO alert_pending (kind, destination, at, detail)
     SELECT 'down', destination, $1::bigint, jsonb_build_object('reason', 'CONNECT_REFUSED', 'message', 'connection refused',
       'stage', 'connect', 'failing_since', $1::bigint, 'failures', 2) FROM destinations`,
    [t],
  );
  await pool.query(
    "INSERT INTO webhook_endpoints (url, secret_box, events) SELECT 'http://127.0.0.1:9/' || g, 'x', '{down}' FROM generate_series(1, 3) g",
  );
  let t0 = performance.now();
  const events = await groupAlerts(pool, t + 1, cfg, { serverName: "bench.example" });
  const groupMs = ms(t0);
  const deliveries = (await pool.query("SELECT count(*)::int AS n FROM webhook_deliveries")).rows[0].n;
  const body = (await pool.query("SELECT length(body) AS n FROM webhook_events")).rows[0]?.n;
  rows.push([
    `grouping ${OUTAGE} queued downs`,
    `${groupMs.toFixed(0)} ms → ${events} event, ${deliveries} deliveries, body ${body} bytes`,
  ]);
  const passes: number[] = [];
  for (let k = 0; k < 5; k++) {
    t0 = performance.now();
    await evaluateAlerts(pool, t + 20_000, cfg);
    passes.push(ms(t0));
  }
  rows.push([`periodic pass over ${OUTAGE} down destinations (median of 5)`, `${median(passes).toFixed(1)} ms`]);

  const table = ["| measure | result |", "|---|---|", ...rows.map(([a, b]) => `| ${a} | ${b} |`)].join("\n");
  console.log(table);
  if (ARGS.values.out) fs.writeFileSync(ARGS.values.out, `${table}\n`);
  await db.close();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
