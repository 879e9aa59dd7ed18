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
import { publicBaseUrl } from "../compat/public-base-url";
import { settings } from "../settings/settings";
import { clientVersionsJson, loginFlowsJson, serverVersionJson, wellKnownClientJson } from "../compat/client-discovery";
import { readJsonObject } from "../compat/json-body";
import { passwordLogin } from "../compat/password-login";
import { clientAddress } from "./client-address";
import { whoami } from "../compat/whoami";
import { logout } from "../compat/logout";
import { getProfile } from "../compat/profile";
import { getUserSynapse, listUsersSynapse } from "../compat/list-users-synapse";

type Ctx = { req: Request; query: URLSearchParams; params: string[] };
type Handler = (ctx: Ctx) => Promise<Response>;
type Route = { pattern: (string | null)[]; methods: Partial<Record<string, Handler>> };

const FED = ["_synapse", "admin", "v1", "federation", "destinations"];

async function principalOf(ctx: Ctx) {
  const { pool } = await getDb();
  const p = await authenticateRequest(pool, ctx.req.headers, ctx.query);
  // Synapse's federation admin API is for server admins; our viewer role may read.
  requireRole(p, "viewer", "use the admin API");
  return p;
}

/** Any team member's token (no role needed): the Matrix client endpoints. */
async function authenticated(ctx: Ctx) {
  const { pool } = await getDb();
  return authenticateRequest(pool, ctx.req.headers, ctx.query);
}

// The part of Synapse's client and admin API that Synapse admin UIs (Ketesa, synapse-admin)
// need besides the federation pages (lib/compat/, README "Use with Ketesa / synapse-admin").
// Client paths are served under both /_matrix/client/v3 and the older /_matrix/client/r0.
const CLIENT_VERSIONS = ["v3", "r0"];
const COMPAT_ROUTES: Route[] = [
  {
    pattern: [".well-known", "matrix", "client"],
    methods: {
      GET: async (ctx) => jsonResponse(200, wellKnownClientJson(publicBaseUrl(ctx.req, settings().publicUrl))),
    },
  },
  { pattern: ["_matrix", "client", "versions"], methods: { GET: async () => jsonResponse(200, clientVersionsJson()) } },
  ...CLIENT_VERSIONS.flatMap((v): Route[] => [
    {
      pattern: ["_matrix", "client", v, "login"],
      methods: {
        GET: async () => jsonResponse(200, loginFlowsJson()),
        POST: async (ctx) => {
          const body = await readJsonObject(ctx.req);
          const { prisma, pool } = await getDb();
          const res = await passwordLogin(prisma, pool, settings().console, body, {
            serverName: settings().serverName,
            clientAddress: clientAddress(ctx.req.headers),
          });
          return jsonResponse(200, res);
        },
      },
    },
    {
      pattern: ["_matrix", "client", v, "logout"],
      methods: {
        POST: async (ctx) => {
          await logout(await getDb(), ctx.req.headers, ctx.query);
          return jsonResponse(200, {});
        },
      },
    },
    {
      pattern: ["_matrix", "client", v, "account", "whoami"],
      methods: {
        GET: async (ctx) => {
          const { pool } = await getDb();
          return jsonResponse(200, await whoami(pool, ctx.req.headers, ctx.query, settings().serverName));
        },
      },
    },
    {
      pattern: ["_matrix", "client", v, "profile", null],
      methods: {
        GET: async (ctx) => {
          const actor = await authenticated(ctx);
          const { prisma } = await getDb();
          return jsonResponse(200, await getProfile(prisma, actor, ctx.params[0], settings().serverName));
        },
      },
    },
  ]),
  {
    pattern: ["_synapse", "admin", "v1", "server_version"],
    methods: { GET: async () => jsonResponse(200, serverVersionJson()) },
  },
  ...(["v2", "v3"] as const).map(
    (version): Route => ({
      pattern: ["_synapse", "admin", version, "users"],
      methods: {
        GET: async (ctx) => {
          const actor = await authenticated(ctx);
          const { prisma } = await getDb();
          return jsonResponse(
            200,
            await listUsersSynapse(prisma, actor, ctx.query, { version, serverName: settings().serverName }),
          );
        },
      },
    }),
  ),
  {
    pattern: ["_synapse", "admin", "v2", "users", null],
    methods: {
      GET: async (ctx) => {
        const actor = await authenticated(ctx);
        const { prisma } = await getDb();
        return jsonResponse(200, await getUserSynapse(prisma, actor, ctx.params[0], settings().serverName));
      },
    },
  },
  {
    // Room details: we know rooms only as IDs shared with destinations, never their names or
    // state, so every room is unknown here (the admin UIs then show the bare room ID).
    pattern: ["_synapse", "admin", "v1", "rooms", null],
    methods: {
      GET: async (ctx) => {
        await principalOf(ctx);
        throw new AppError("not_found", "Room not found");
      },
    },
  },
];

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
        return jsonResponse(
          200,
          destinationsPageJson(await listDestinations(pool, actor, { from, limit, orderBy, dir, search })),
        );
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
        return jsonResponse(
          200,
          roomsPageJson(await listDestinationRooms(pool, actor, ctx.params[0], { from, limit, dir })),
        );
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
  ...COMPAT_ROUTES,
];

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
