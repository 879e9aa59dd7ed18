// The federation tester's HTTP API (matrix-org/matrix-federation-tester README "HTTP API"):
// GET /api/report?server_name= (its JSON report) and GET /api/federation-ok?server_name=
// (GOOD or BAD, text/plain), so existing tooling can point at this console and test from the
// homeserver's own network position. Unlike the public tester these need a token (a check
// makes this server connect wherever the name points): a bearer token, or ?access_token= for
// tools that only take a URL; names that are not destinations need an operator. Every call
// runs a fresh check, stored like any other and rate-limited per user.
import { processCheckEnv } from "../../checks/check-env";
import { checkServer } from "../../checks/check-server";
import { testerReport } from "../../checks/tester-report";
import { AppError } from "../../errors";
import type { JsonValue } from "../json";
import { API_HEADERS, jsonAnswer } from "../respond";
import { dbPool, principalWith, type Route, type RouteContext } from "../route";

async function check(ctx: RouteContext) {
  const actor = await principalWith(ctx, "viewer", "run federation checks");
  const serverName = ctx.query.get("server_name");
  if (serverName === null || serverName === "") throw new AppError("missing_param", "Missing server_name");
  const stored = await checkServer(await dbPool(), actor, serverName, processCheckEnv());
  if (stored.report === null) throw new AppError("unavailable", "The check did not finish");
  return testerReport(stored.report);
}

export const FEDERATION_TESTER_ROUTES: Route[] = [
  {
    pattern: ["api", "report"],
    methods: { GET: async (ctx) => jsonAnswer(200, (await check(ctx)) as unknown as JsonValue) },
  },
  {
    pattern: ["api", "federation-ok"],
    methods: {
      GET: async (ctx) => {
        const report = await check(ctx);
        return {
          status: 200,
          headers: { ...API_HEADERS, "Content-Type": "text/plain; charset=utf-8" },
          body: report.FederationOK ? "GOOD" : "BAD",
        };
      },
    },
  },
];
