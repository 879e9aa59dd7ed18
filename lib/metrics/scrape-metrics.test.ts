// /metrics' domain call against a real PostgreSQL: who may scrape, and that the database gauges
// equal the database (the latest snapshot's counts, the exact total, the claims held).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { parseMetrics, sampleValue } from "../testing/prometheus";
import { takeSnapshot } from "../ops/take-snapshot";
import { scrapeMetrics } from "./scrape-metrics";
import { countWebhookDelivery, observeAttempt, observeHttp } from "./observe";
import { isAppError } from "../errors";

const TOKEN = "metrics-token-0123456789";
const NOW = Date.now();
let db: TestDatabase;

before(async () => {
  db = await createTestDatabase();
  await db.pool.query(
    `INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_attempt_ts, last_outcome, last_error_kind, claimed_until)
     VALUES ('ok.example', 0, 0, NULL, $1, 'success', NULL, NULL),
            ('down.example', $1, 600000, $1, $1, 'failure', 'CONNECT_REFUSED', NULL),
            ('tls.example', $1, 600000, $1, $1, 'failure', 'CERT_EXPIRED', NULL),
            ('busy.example', 0, 0, NULL, NULL, NULL, NULL, $2)`,
    [NOW - 1000, NOW + 60_000],
  );
  await takeSnapshot(db.pool, { nowMs: NOW, intervalMs: 60_000, healthIntervalMs: 0, probeOnly: false });
});
after(() => db.close());

const scrape = (auth: string | null, query = "") =>
  scrapeMetrics(
    db.pool,
    {
      headers: new Headers(auth === null ? {} : { authorization: auth }),
      query: new URLSearchParams(query),
    },
    { metricsToken: TOKEN, nowMs: NOW },
  );

test("the scrape token, and nothing else without a team token, may scrape", async () => {
  const codeOf = async (p: Promise<unknown>) => p.then(() => "ok").catch((e) => (isAppError(e) ? e.code : String(e)));
  assert.equal(await codeOf(scrape(`Bearer ${TOKEN}`)), "ok");
  assert.equal(await codeOf(scrape(null, `access_token=${TOKEN}`)), "ok");
  assert.equal(await codeOf(scrape(null)), "missing_token");
  assert.equal(await codeOf(scrape(`Bearer ${TOKEN}x`)), "unknown_token");
  assert.equal(await codeOf(scrape("Bearer short")), "unknown_token");
});

test("families are present and the database gauges equal the database", async () => {
  observeAttempt("failure", "CONNECT_REFUSED", 120);
  observeHttp("GET", "/_synapse/admin/v1/federation/destinations/{}", 200, 3);
  countWebhookDelivery("delivered");
  const { body, contentType } = await scrape(`Bearer ${TOKEN}`);
  assert.match(contentType, /^text\/plain; version=0\.0\.4/);
  const fs = parseMetrics(body);
  for (const name of [
    "fedconsole_destinations",
    "fedconsole_destinations_known",
    "fedconsole_destinations_failing",
    "fedconsole_destinations_due",
    "fedconsole_claims_held",
    "fedconsole_claims_in_flight",
    "fedconsole_history_snapshot_timestamp_seconds",
    "fedconsole_attempts_total",
    "fedconsole_attempt_duration_seconds",
    "fedconsole_scheduler_tick_duration_seconds",
    "fedconsole_http_requests_total",
    "fedconsole_http_request_duration_seconds",
    "fedconsole_signin_failures_total",
    "fedconsole_login_throttled_total",
    "fedconsole_webhook_deliveries_total",
    "fedconsole_process_cpu_seconds_total",
  ]) {
    assert.ok(fs.has(name), name);
  }
  assert.equal(sampleValue(fs, "fedconsole_destinations", { status: "healthy" }), 1);
  assert.equal(sampleValue(fs, "fedconsole_destinations", { status: "backing_off" }), 2);
  assert.equal(sampleValue(fs, "fedconsole_destinations", { status: "retrying" }), 1);
  assert.equal(sampleValue(fs, "fedconsole_destinations", { status: "never_contacted" }), 0);
  assert.equal(sampleValue(fs, "fedconsole_destinations_known"), 4);
  assert.equal(sampleValue(fs, "fedconsole_destinations_failing", { reason: "refused" }), 1);
  assert.equal(sampleValue(fs, "fedconsole_destinations_failing", { reason: "tls" }), 1);
  assert.equal(sampleValue(fs, "fedconsole_claims_held"), 1);
  assert.equal(sampleValue(fs, "fedconsole_history_snapshot_timestamp_seconds"), NOW / 1000);
  assert.equal(sampleValue(fs, "fedconsole_attempts_total", { outcome: "failure", reason: "CONNECT_REFUSED" }), 1);
  // (the parser keeps a histogram's buckets but not its labels)
  assert.equal(fs.get("fedconsole_attempt_duration_seconds")?.type, "HISTOGRAM");
  assert.equal(fs.get("fedconsole_attempt_duration_seconds")?.metrics[0]?.buckets?.["+Inf"], "1");
  assert.equal(
    sampleValue(fs, "fedconsole_http_requests_total", {
      route: "/_synapse/admin/v1/federation/destinations/{}",
      status: "200",
    }),
    1,
  );
  assert.equal(sampleValue(fs, "fedconsole_webhook_deliveries_total", { outcome: "delivered" }), 1);
});
