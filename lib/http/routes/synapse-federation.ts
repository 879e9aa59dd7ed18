// Synapse's federation admin API (/_synapse/admin/v1/federation/destinations…), byte for byte:
// synapse/rest/admin/federation.py. Checks run in Synapse's order: auth, destination known,
// then parameters.
import { AppError } from "../../errors";
import { assertDestinationExists, getDestination } from "../../destinations/get-destination";
import { listDestinationRooms } from "../../destinations/list-destination-rooms";
import { listDestinations } from "../../destinations/list-destinations";
import { resetConnection } from "../../destinations/reset-connection";
import {
  destinationsPageJson,
  detailsJson,
  listItemJson,
  roomItemJson,
  roomsPageJson,
} from "../../destinations/serialize";
import { streamDestinationRooms } from "../../destinations/stream-destination-rooms";
import { streamDestinations } from "../../destinations/stream-destinations";
import { SORT_COLUMNS } from "../../destinations/types";
import { parseChoice, parseDirection, parseNonNegativeInteger } from "../params";
import { STREAM_MIN_LIMIT, largePageAnswer } from "../large-answers";
import { jsonAnswer } from "../respond";
import { dbPool, principalWith, type Route, type RouteContext } from "../route";

const FED = ["_synapse", "admin", "v1", "federation", "destinations"];

// Synapse's federation admin API is for server admins; our viewer role may read.
const reader = (ctx: RouteContext) => principalWith(ctx, "viewer", "use the admin API");

export const SYNAPSE_FEDERATION_ROUTES: Route[] = [
  {
    pattern: [...FED],
    methods: {
      GET: async (ctx) => {
        const actor = await reader(ctx);
        const q = ctx.query;
        const from = parseNonNegativeInteger(q, "from", 0n);
        const limit = parseNonNegativeInteger(q, "limit", 100n);
        const orderBy = parseChoice(q, "order_by", SORT_COLUMNS, "destination");
        const dir = parseDirection(q);
        const search = q.get("destination") ?? undefined;
        const query = { from, limit, orderBy, dir, search };
        const pool = await dbPool();
        if (limit > STREAM_MIN_LIMIT) {
          const open = () => streamDestinations(pool, actor, query);
          return largePageAnswer({ actor, key: "destinations", from, limit, open, itemJson: listItemJson });
        }
        return jsonAnswer(200, destinationsPageJson(await listDestinations(pool, actor, query)));
      },
    },
  },
  {
    pattern: [...FED, null],
    methods: {
      GET: async (ctx) => {
        const actor = await reader(ctx);
        return jsonAnswer(200, detailsJson(await getDestination(await dbPool(), actor, ctx.params[0])));
      },
    },
  },
  {
    pattern: [...FED, null, "rooms"],
    methods: {
      GET: async (ctx) => {
        const actor = await reader(ctx);
        const pool = await dbPool();
        await assertDestinationExists(pool, ctx.params[0]);
        const from = parseNonNegativeInteger(ctx.query, "from", 0n);
        const limit = parseNonNegativeInteger(ctx.query, "limit", 100n);
        const dir = parseDirection(ctx.query);
        if (limit > STREAM_MIN_LIMIT) {
          const open = () => streamDestinationRooms(pool, actor, ctx.params[0], { from, limit, dir });
          return largePageAnswer({ actor, key: "rooms", from, limit, open, itemJson: roomItemJson });
        }
        return jsonAnswer(
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
        const actor = await reader(ctx);
        await resetConnection(await dbPool(), actor, ctx.params[0]);
        return jsonAnswer(200, {});
      },
    },
  },
  {
    // Room details: we know rooms only as IDs shared with destinations, never their names or
    // state, so every room is unknown here (the admin UIs then show the bare room ID).
    pattern: ["_synapse", "admin", "v1", "rooms", null],
    methods: {
      GET: async (ctx) => {
        await reader(ctx);
        throw new AppError("not_found", "Room not found");
      },
    },
  },
];
