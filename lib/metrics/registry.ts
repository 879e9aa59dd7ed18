// This process's Prometheus metrics (prom-client), in a Registry of our own (never the global
// one a dependency might also fill). One set per process, kept on globalThis: the Next server
// bundles lib/ separately from scripts/start.ts, and a sign-in counted in the console's bundle
// must show in the /metrics the API router answers. Every family is named fedconsole_*.
import client from "prom-client";

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function create() {
  const registry = new client.Registry();
  /** The schedulers running in this process report their in-flight attempts here. */
  const inFlightSources = new Set<() => number>();
  const r = [registry];
  client.collectDefaultMetrics({ register: registry, prefix: "fedconsole_" });
  return {
    registry,
    inFlightSources,
    // From the database at scrape time (database-gauges.ts): any instance answers the same.
    destinations: new client.Gauge({
      name: "fedconsole_destinations",
      help: "Destinations by status, as of the latest history snapshot",
      labelNames: ["status"],
      registers: r,
    }),
    destinationsKnown: new client.Gauge({
      name: "fedconsole_destinations_known",
      help: "Destinations known (exact, kept by triggers)",
      registers: r,
    }),
    failing: new client.Gauge({
      name: "fedconsole_destinations_failing",
      help: "Destinations backing off by failure reason category, as of the latest history snapshot",
      labelNames: ["reason"],
      registers: r,
    }),
    dueNow: new client.Gauge({
      name: "fedconsole_destinations_due",
      help: "Destinations due for an attempt and not claimed, as of the latest history snapshot",
      registers: r,
    }),
    claimsHeld: new client.Gauge({
      name: "fedconsole_claims_held",
      help: "Destinations claimed by any scheduler right now (unexpired leases)",
      registers: r,
    }),
    snapshotTime: new client.Gauge({
      name: "fedconsole_history_snapshot_timestamp_seconds",
      help: "When the latest history snapshot was taken (the destination gauges are as of then)",
      registers: r,
    }),
    syncLastSuccess: new client.Gauge({
      name: "fedconsole_upstream_sync_last_success_timestamp_seconds",
      help: "Mirror mode: when a sync pass last ended well",
      registers: r,
    }),
    syncDuration: new client.Gauge({
      name: "fedconsole_upstream_sync_duration_seconds",
      help: "Mirror mode: duration of the latest finished sync pass",
      labelNames: ["kind"],
      registers: r,
    }),
    syncRowsChanged: new client.Gauge({
      name: "fedconsole_upstream_sync_rows_changed",
      help: "Mirror mode: destinations added, changed or removed by the latest finished sync pass",
      labelNames: ["kind"],
      registers: r,
    }),
    // This process's own counts.
    attempts: new client.Counter({
      name: "fedconsole_attempts_total",
      help: "Connection attempts recorded by this process's scheduler, by outcome and reason code",
      labelNames: ["outcome", "reason"],
      registers: r,
    }),
    attemptDuration: new client.Histogram({
      name: "fedconsole_attempt_duration_seconds",
      help: "Duration of connection attempts by this process's scheduler",
      labelNames: ["outcome"],
      buckets: DURATION_BUCKETS,
      registers: r,
    }),
    claimsInFlight: new client.Gauge({
      name: "fedconsole_claims_in_flight",
      help: "Attempts this process's scheduler is running right now",
      registers: r,
      collect() {
        let n = 0;
        for (const f of inFlightSources) n += f();
        this.set(n);
      },
    }),
    tickDuration: new client.Histogram({
      name: "fedconsole_scheduler_tick_duration_seconds",
      help: "Time one scheduler tick spends claiming due destinations",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: r,
    }),
    httpRequests: new client.Counter({
      name: "fedconsole_http_requests_total",
      help: "API requests answered by this process, by route template and status",
      labelNames: ["method", "route", "status"],
      registers: r,
    }),
    httpDuration: new client.Histogram({
      name: "fedconsole_http_request_duration_seconds",
      help: "Time to the response head of API requests, by route template",
      labelNames: ["method", "route"],
      buckets: DURATION_BUCKETS,
      registers: r,
    }),
    signInFailures: new client.Counter({
      name: "fedconsole_signin_failures_total",
      help: "Sign-ins refused for a wrong e-mail or password (console form or Matrix password login)",
      labelNames: ["via"],
      registers: r,
    }),
    throttledLogins: new client.Counter({
      name: "fedconsole_login_throttled_total",
      help: "Sign-ins refused because the account or address is paused (sign-in throttling)",
      labelNames: ["via"],
      registers: r,
    }),
    webhookDeliveries: new client.Counter({
      name: "fedconsole_webhook_deliveries_total",
      help: "Alert webhook deliveries by this process, by outcome",
      labelNames: ["outcome"],
      registers: r,
    }),
  };
}

export type Metrics = ReturnType<typeof create>;

const g = globalThis as { __fedconsoleMetrics?: Metrics };

/** This process's metrics (created on first use). */
export function metrics(): Metrics {
  g.__fedconsoleMetrics ??= create();
  return g.__fedconsoleMetrics;
}
