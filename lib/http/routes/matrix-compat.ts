// The part of Synapse's client and admin API that Synapse admin UIs (Ketesa, synapse-admin)
// need besides the federation pages (lib/compat/, README "Use with Ketesa / synapse-admin").
// Client paths are served under both /_matrix/client/v3 and the older /_matrix/client/r0.
import { getDb } from "../../db";
import {
  clientVersionsJson,
  loginFlowsJson,
  serverVersionJson,
  wellKnownClientJson,
} from "../../compat/client-discovery";
import { readJsonObject } from "../../compat/json-body";
import { getUserSynapse, listUsersSynapse } from "../../compat/list-users-synapse";
import { logout } from "../../compat/logout";
import { passwordLogin } from "../../compat/password-login";
import { getProfile } from "../../compat/profile";
import { publicBaseUrl } from "../../compat/public-base-url";
import { whoami } from "../../compat/whoami";
import { settings } from "../../settings/settings";
import { clientAddress } from "../client-address";
import { jsonAnswer } from "../respond";
import { authenticated, dbPool, type Route } from "../route";

const CLIENT_VERSIONS = ["v3", "r0"];

export const MATRIX_COMPAT_ROUTES: Route[] = [
  {
    pattern: [".well-known", "matrix", "client"],
    methods: {
      GET: async (ctx) => jsonAnswer(200, wellKnownClientJson(publicBaseUrl(ctx.req, settings().publicUrl))),
    },
  },
  { pattern: ["_matrix", "client", "versions"], methods: { GET: async () => jsonAnswer(200, clientVersionsJson()) } },
  ...CLIENT_VERSIONS.flatMap((v): Route[] => [
    {
      pattern: ["_matrix", "client", v, "login"],
      methods: {
        GET: async () => jsonAnswer(200, loginFlowsJson()),
        POST: async (ctx) => {
          const body = await readJsonObject(ctx.req);
          const { prisma, pool } = await getDb();
          const res = await passwordLogin(prisma, pool, settings().console, body, {
            serverName: settings().serverName,
            clientAddress: clientAddress(ctx.req.headers),
          });
          return jsonAnswer(200, res);
        },
      },
    },
    {
      pattern: ["_matrix", "client", v, "logout"],
      methods: {
        POST: async (ctx) => {
          await logout(await getDb(), ctx.req.headers, ctx.query);
          return jsonAnswer(200, {});
        },
      },
    },
    {
      pattern: ["_matrix", "client", v, "account", "whoami"],
      methods: {
        GET: async (ctx) =>
          jsonAnswer(200, await whoami(await dbPool(), ctx.req.headers, ctx.query, settings().serverName)),
      },
    },
    {
      pattern: ["_matrix", "client", v, "profile", null],
      methods: {
        GET: async (ctx) => {
          const actor = await authenticated(ctx);
          const { prisma } = await getDb();
          return jsonAnswer(200, await getProfile(prisma, actor, ctx.params[0], settings().serverName));
        },
      },
    },
  ]),
  {
    pattern: ["_synapse", "admin", "v1", "server_version"],
    methods: { GET: async () => jsonAnswer(200, serverVersionJson()) },
  },
  ...(["v2", "v3"] as const).map(
    (version): Route => ({
      pattern: ["_synapse", "admin", version, "users"],
      methods: {
        GET: async (ctx) => {
          const actor = await authenticated(ctx);
          const { prisma } = await getDb();
          const opts = { version, serverName: settings().serverName };
          return jsonAnswer(200, await listUsersSynapse(prisma, actor, ctx.query, opts));
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
        return jsonAnswer(200, await getUserSynapse(prisma, actor, ctx.params[0], settings().serverName));
      },
    },
  },
];
