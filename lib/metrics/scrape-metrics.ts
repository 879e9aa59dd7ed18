// GET /metrics: who may scrape (a team member's API token of any role, or the scrape-only
// FEDCONSOLE_METRICS_TOKEN) and the exposition itself, in Prometheus' text format as
// prom-client writes it. This process's counters plus the database gauges (database-gauges.ts).
import crypto from "node:crypto";
import type pg from "pg";
import type { HeaderReader } from "../http/api-request";
import { authenticateRequest, extractAccessToken } from "../auth/authenticate-request";
import { requireRole } from "../auth/principal";
import type { MirrorContext } from "../upstream/mirror";
import { refreshDatabaseGauges } from "./database-gauges";
import { metrics } from "./registry";

export type ScrapeRequest = { headers: HeaderReader; query: URLSearchParams };
export type ScrapeOptions = { metricsToken?: string; mirror?: MirrorContext; nowMs?: number };

/** Compared as digests, so neither the length nor the bytes leak through timing. */
function isMetricsToken(given: string, configured: string | undefined): boolean {
  if (!configured) return false;
  const a = crypto.createHash("sha256").update(given).digest();
  const b = crypto.createHash("sha256").update(configured).digest();
  return crypto.timingSafeEqual(a, b);
}

/** Throws AppError (missing_token / unknown_token) unless the caller may scrape. */
export async function authorizeScrape(pool: pg.Pool, req: ScrapeRequest, metricsToken?: string): Promise<void> {
  const given = extractAccessToken(req.headers, req.query);
  if (isMetricsToken(given, metricsToken)) return;
  requireRole(await authenticateRequest(pool, req.headers, req.query), "viewer", "read metrics");
}

export async function scrapeMetrics(
  pool: pg.Pool,
  req: ScrapeRequest,
  o: ScrapeOptions,
): Promise<{ contentType: string; body: string }> {
  await authorizeScrape(pool, req, o.metricsToken);
  await refreshDatabaseGauges(pool, o.mirror, o.nowMs ?? Date.now());
  const { registry } = metrics();
  return { contentType: registry.contentType, body: await registry.metrics() };
}
