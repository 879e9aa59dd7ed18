// GET /metrics (Prometheus text format; README "Metrics"). Bearer auth like the rest of the
// API, plus the scrape-only FEDCONSOLE_METRICS_TOKEN.
import { scrapeMetrics } from "../../metrics/scrape-metrics";
import { settings } from "../../settings/settings";
import { mirrorContext } from "../../upstream/mirror";
import { dbPool, type Route } from "../route";

export const METRICS_ROUTES: Route[] = [
  {
    pattern: ["metrics"],
    methods: {
      GET: async (ctx) => {
        const { contentType, body } = await scrapeMetrics(
          await dbPool(),
          { headers: ctx.req.headers, query: ctx.query },
          { metricsToken: settings().ops.metricsToken, mirror: mirrorContext() },
        );
        return new Response(body, {
          status: 200,
          headers: { "Content-Type": contentType, "Cache-Control": "no-store" },
        });
      },
    },
  },
];
