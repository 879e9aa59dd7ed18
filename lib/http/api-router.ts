// The HTTP API as one framework-free function (ApiRequest → ApiAnswer): scripts/start.ts serves
// it straight from node:http (node-adapter.ts), the Next route handlers delegate here through
// handleFetchRequest, and benchmarks can mount it on bare node:http. Routes are declared per API
// family in routes/.
import { AppError } from "../errors";
import { type ApiRequest, fromFetchRequest } from "./api-request";
import { type ApiAnswer, errorAnswer, preflightAnswer, toResponse, withoutBody } from "./respond";
import type { Route } from "./route";
import { FEDCONSOLE_ROUTES } from "./routes/fedconsole";
import { FEDERATION_TESTER_ROUTES } from "./routes/federation-tester";
import { WEBHOOK_ROUTES } from "./routes/webhooks";
import { MATRIX_COMPAT_ROUTES } from "./routes/matrix-compat";
import { SYNAPSE_FEDERATION_ROUTES } from "./routes/synapse-federation";
import { METRICS_ROUTES } from "./routes/metrics";
import { observeHttp } from "../metrics/observe";

const ROUTES: Route[] = [
  ...SYNAPSE_FEDERATION_ROUTES,
  ...MATRIX_COMPAT_ROUTES,
  ...FEDCONSOLE_ROUTES,
  ...FEDERATION_TESTER_ROUTES,
  ...WEBHOOK_ROUTES,
  ...METRICS_ROUTES,
];

/** A route's template for metrics: literal segments, "{}" for a parameter (never the raw path: bounded labels). */
export const routeTemplate = (route: Route) => `/${route.pattern.map((p) => p ?? "{}").join("/")}`;
const TEMPLATES = new Map(ROUTES.map((r) => [r, routeTemplate(r)]));
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]);

export { API_PATH_PREFIXES, isApiPath } from "./api-paths";

/** Splits a raw path into decoded segments; undefined if it is not valid percent-encoding. */
function segments(rawPath: string): string[] | undefined {
  try {
    return rawPath
      .split("/")
      .slice(1)
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

function match(route: Route, segs: string[]): string[] | undefined {
  if (route.pattern.length !== segs.length) return undefined;
  const params: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    const p = route.pattern[i];
    if (p === null) {
      // An empty segment is a parameter too: Synapse's patterns are (?P<destination>[^/]*), so
      // `…/destinations/` is the details of "" (auth first, then 404 "Unknown destination").
      params.push(segs[i]);
    } else if (p !== segs[i]) return undefined;
  }
  return params;
}

/** Answers one API request and counts it by route template and status (fedconsole_http_requests_total). */
export async function handleApiRequest(req: ApiRequest): Promise<ApiAnswer> {
  const t0 = performance.now();
  const seen = { route: "unmatched" };
  const res = await answer(req, seen);
  observeHttp(METHODS.has(req.method) ? req.method : "OTHER", seen.route, res.status, performance.now() - t0);
  return res;
}

/** The same for Next's route handlers (app/…/route.ts), with standard Request and Response. */
export async function handleFetchRequest(req: Request): Promise<Response> {
  return toResponse(await handleApiRequest(fromFetchRequest(req)));
}

async function answer(req: ApiRequest, seen: { route: string }): Promise<ApiAnswer> {
  try {
    const method = req.method;
    if (method === "OPTIONS") {
      seen.route = "preflight";
      return preflightAnswer();
    }
    const segs = segments(req.pathname);
    if (segs) {
      for (const route of ROUTES) {
        const params = match(route, segs);
        if (!params) continue;
        seen.route = TEMPLATES.get(route) ?? "unmatched";
        const handler = route.methods[method === "HEAD" ? "GET" : method];
        if (!handler) throw new AppError("method_not_allowed", "Unrecognized request");
        const res = await handler({ req, query: req.query, params });
        return method === "HEAD" ? withoutBody(res) : res;
      }
    }
    throw new AppError("unrecognized", "Unrecognized request");
  } catch (e) {
    return errorAnswer(e);
  }
}
