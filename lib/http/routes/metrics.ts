// GET /metrics (Prometheus text format; README "Overview and metrics"). Bearer auth like the
// rest of the API, plus the scrape-only FEDCONSOLE_METRICS_TOKEN. And the overview's counts as
// JSON under our API prefix.
import { scrapeMetrics } from "../../metrics/scrape-metrics";
import { overviewJson } from "../../ops/overview-json";
import { jsonAnswer } from "../respond";
import { FEDCONSOLE_PREFIX } from "./fedconsole";
import { settings } from "../../settings/settings";
import { mirrorContext } from "../../upstream/mirror";
import { dbPool, principalWith, type Route } from "../route";

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
        return { status: 200, headers: { "Content-Type": contentType, "Cache-Control": "no-store" }, body };
      },
    },
  },
  {
    pattern: [...FEDCONSOLE_PREFIX, "overview"],
    methods: {
      GET: async (ctx) => {
        const actor = await principalWith(ctx, "viewer", "view the overview");
        return jsonAnswer(200, await overviewJson(await dbPool(), actor));
      },
    },
  },
];
