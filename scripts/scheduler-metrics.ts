// `npm run scheduler` with FEDCONSOLE_SCHEDULER_METRICS_PORT: GET /metrics of this process (its
// attempts, ticks and claims in flight, plus the database gauges), with the same auth as the web
// process's; every other path is 404. Nothing else is served.
import http from "node:http";
import { handleApiRequest } from "../lib/http/api-router";
import { serveApi } from "../lib/http/node-adapter";
import { settings } from "../lib/settings/settings";

export async function serveSchedulerMetrics(log: (m: string) => void): Promise<http.Server | undefined> {
  const s = settings();
  const port = s.ops.schedulerMetricsPort;
  if (port === undefined) return undefined;
  const server = http.createServer((req, res) => {
    const path = req.url ?? "/";
    if (path !== "/metrics" && !path.startsWith("/metrics?")) {
      res.statusCode = 404;
      res.end();
      return;
    }
    serveApi(handleApiRequest, req, res).catch(() => {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, s.hostname, resolve);
  });
  log(`metrics on http://${s.hostname}:${port}/metrics`);
  return server;
}
