// Our own API beside Synapse's, under /_fedconsole/v1 (README "Our own API"): the same bearer
// tokens, the same {errcode, error} errors and CORS. Each route calls the same lib/ function as
// the console's server action for that operation.
import { mirrorContext } from "../../upstream/mirror";
import { requestSync } from "../../upstream/request-sync";
import { getSyncStatus, syncStatusJson } from "../../upstream/sync-status";
import { STATUS_FILTERS, type StatusFilter } from "../../destinations/destination-status";
import { EXPORT_FORMATS } from "../../destinations/export-format";
import { AppError } from "../../errors";
import { exportResponse } from "../export-response";
import { parseChoice } from "../params";
import { jsonResponse } from "../respond";
import { dbPool, principalWith, type Route } from "../route";

export const FEDCONSOLE_PREFIX = ["_fedconsole", "v1"];

export const FEDCONSOLE_ROUTES: Route[] = [
  {
    // Mirror mode's state: where from, when last synced, the pass in progress, the last passes.
    pattern: [...FEDCONSOLE_PREFIX, "upstream"],
    methods: {
      GET: async (ctx) => {
        await principalWith(ctx, "viewer", "read the sync state");
        const passes = Math.min(200, Math.max(1, Number(ctx.query.get("passes") ?? "10") || 10));
        return jsonResponse(200, syncStatusJson(await getSyncStatus(await dbPool(), mirrorContext(), { passes })));
      },
    },
  },
  {
    // "Sync now": a full pass at once, by whichever process syncs.
    pattern: [...FEDCONSOLE_PREFIX, "upstream", "sync"],
    methods: {
      POST: async (ctx) => {
        const actor = await principalWith(ctx, "operator", "start a sync");
        await requestSync(await dbPool(), actor, mirrorContext());
        return jsonResponse(200, {});
      },
    },
  },
  {
    // Every destination matching a filter as CSV or JSON Lines, streamed (README "Export"); the
    // console's Export button downloads the same through its session (app/export/destinations).
    pattern: [...FEDCONSOLE_PREFIX, "export", "destinations"],
    methods: {
      GET: async (ctx) => {
        const actor = await principalWith(ctx, "viewer", "export destinations");
        const format = parseChoice(ctx.query, "format", EXPORT_FORMATS, "jsonl");
        const search = ctx.query.get("destination") ?? "";
        if (search.includes("\0"))
          throw new AppError("invalid_param", "Query parameter destination must not contain NUL");
        const status = ctx.query.has("status")
          ? (parseChoice(ctx.query, "status", STATUS_FILTERS, "failing") as StatusFilter)
          : null;
        return exportResponse(await dbPool(), actor, { format, search, status }, { api: true });
      },
    },
  },
];
