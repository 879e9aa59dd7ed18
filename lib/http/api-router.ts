// The HTTP API as one framework-free function (standard Request → Response): the Next
// route handlers delegate here, and benchmarks can mount it on bare node:http.
import { getDb } from "../db";
import { AppError } from "../errors";
import { authenticateRequest } from "../auth/authenticate-request";
import { requireRole } from "../auth/principal";
import { parseChoice, parseDirection, parseNonNegativeInteger } from "./params";
import { errorResponse, jsonResponse, preflightResponse } from "./respond";
import { listDestinations } from "../destinations/list-destinations";
import { assertDestinationExists, getDestination } from "../destinations/get-destination";
import { listDestinationRooms } from "../destinations/list-destination-rooms";
import { resetConnection } from "../destinations/reset-connection";
import { destinationsPageJson, detailsJson, roomsPageJson } from "../destinations/serialize";
import { SORT_COLUMNS } from "../destinations/types";

type Ctx = { req: Request; query: URLSearchParams; params: string[] };
type Handler = (ctx: Ctx) => Promise<Response>;
type Route = { pattern: (string | null)[]; methods: Partial<Record<string, Handler>> };

const FED = ["_synapse", "admin", "v1", "federation", "destinations"];

async function principalOf(ctx: Ctx) {
  const { prisma } = await getDb();
  const p = await authenticateRequest(prisma, ctx.req.headers, ctx.query);
  // Synapse's federation admin API is for server admins; our viewer role may read.
  requireRole(p, "viewer", "use the admin API");
  return p;
}

const ROUTES: Route[] = [
  {
    pattern: [...FED],
    methods: {
      GET: async (ctx) => {
        const actor = await principalOf(ctx);
        const q = ctx.query;
        const from = parseNonNegativeInteger(q, "from", 0n);
        const limit = parseNonNegativeInteger(q, "limit", 100n);
        const orderBy = parseChoice(q, "order_by", SORT_COLUMNS, "destination");
        const dir = parseDirection(q);
        const search = q.get("destination") ?? undefined;
        const { pool } = await getDb();
        return jsonResponse(200, destinationsPageJson(await listDestinations(pool, actor, { from, limit, orderBy, dir, search })));
      },
    },
  },
  {
    pattern: [...FED, null],
    methods: {
      GET: async (ctx) => {
        const actor = await principalOf(ctx);
        const { pool } = await getDb();
        return jsonResponse(200, detailsJson(await getDestination(pool, actor, ctx.params[0])));
      },
    },
  },
  {
    pattern: [...FED, null, "rooms"],
    methods: {
      GET: async (ctx) => {
        const actor = await principalOf(ctx);
        const { pool } = await getDb();
        await assertDestinationExists(pool, ctx.params[0]);
        const from = parseNonNegativeInteger(ctx.query, "from", 0n);
        const limit = parseNonNegativeInteger(ctx.query, "limit", 100n);
        const dir = parseDirection(ctx.query);
        return jsonResponse(200, roomsPageJson(await listDestinationRooms(pool, actor, ctx.params[0], { from, limit, dir })));
      },
    },
  },
  {
    pattern: [...FED, null, "reset_connection"],
    methods: {
      // The body is ignored, like Synapse: clients send {}, nothing, or no Content-Type.
      POST: async (ctx) => {
        const actor = await principalOf(ctx);
        const { pool } = await getDb();
        await resetConnection(pool, actor, ctx.params[0]);
        return jsonResponse(200, {});
      },
    },
  },
];

/** Splits a raw path into decoded segments; undefined if it is not valid percent-encoding. */
function segments(rawPath: string): string[] | undefined {
  try {
    return rawPath.split("/").slice(1).map((s) => decodeURIComponent(s));
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
      if (segs[i] === "") return undefined;
      params.push(segs[i]);
    } else if (p !== segs[i]) return undefined;
  }
  return params;
}

export async function handleApiRequest(req: Request): Promise<Response> {
  try {
    const url = new URL(req.url);
    const method = req.method.toUpperCase();
    if (method === "OPTIONS") return preflightResponse();
    const segs = segments(url.pathname);
    if (segs) {
      for (const route of ROUTES) {
        const params = match(route, segs);
        if (!params) continue;
        const handler = route.methods[method === "HEAD" ? "GET" : method];
        if (!handler) throw new AppError("method_not_allowed", "Unrecognized request");
        const res = await handler({ req, query: url.searchParams, params });
        return method === "HEAD" ? new Response(null, { status: res.status, headers: res.headers }) : res;
      }
    }
    throw new AppError("unrecognized", "Unrecognized request");
  } catch (e) {
    return errorResponse(e);
  }
}
