// Our own API beside Synapse's, under /_fedconsole/v1 (README "Our own API"): the same bearer
// tokens, the same {errcode, error} errors and CORS. Each route calls the same lib/ function as
// the console's server action (or page) for that operation.
import { STATUS_FILTERS, type StatusFilter } from "../../destinations/destination-status";
import { EXPORT_FORMATS } from "../../destinations/export-format";
import { exportAnswer } from "../export-response";
import { parseChoice, parseCount, parseCursor } from "../params";
import { addDestinations } from "../../destinations/add-destinations";
import { forgetDestination } from "../../destinations/forget-destination";
import { attemptsPageJson, destinationDetailJson } from "../../destinations/detail-json";
import { getDestinationDetail } from "../../destinations/get-destination-detail";
import { listAttemptsPage, MAX_ATTEMPTS_SHOWN } from "../../destinations/list-attempts";
import { readJsonObject } from "../../compat/json-body";
import { AppError } from "../../errors";
import { processCheckEnv } from "../../checks/check-env";
import { checkJson } from "../../checks/check-json";
import { checkServer } from "../../checks/check-server";
import { getCheck, listDestinationChecks, MAX_CHECKS_LISTED } from "../../checks/stored-checks";
import { mirrorContext } from "../../upstream/mirror";
import { attemptNow } from "../../destinations/attempt-now";
import { processAttemptNowEnv } from "../../destinations/attempt-now-env";
import { manualAttemptJson } from "../../destinations/attempt-json";
import { requestSync } from "../../upstream/request-sync";
import { getSyncStatus, syncStatusJson } from "../../upstream/sync-status";
import { jsonAnswer } from "../respond";
import { dbPool, principalWith, type Route } from "../route";

export const FEDCONSOLE_PREFIX = ["_fedconsole", "v1"];

export const FEDCONSOLE_ROUTES: Route[] = [
  {
    // Mirror mode's state: where from, when last synced, the pass in progress, the last passes.
    pattern: [...FEDCONSOLE_PREFIX, "upstream"],
    methods: {
      GET: async (ctx) => {
        await principalWith(ctx, "viewer", "read the sync state");
        const passes = parseCount(ctx.query, "passes", 10, 200);
        return jsonAnswer(200, syncStatusJson(await getSyncStatus(await dbPool(), mirrorContext(), { passes })));
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
        return jsonAnswer(200, {});
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
        return exportAnswer(await dbPool(), actor, { format, search, status }, { api: true });
      },
    },
  },
  {
    // Add destinations by hand: {"destinations": ["name", …]} → {added, existing, invalid}.
    pattern: [...FEDCONSOLE_PREFIX, "destinations"],
    methods: {
      POST: async (ctx) => {
        const actor = await principalWith(ctx, "operator", "add destinations");
        const body = await readJsonObject(ctx.req);
        if (!Array.isArray(body.destinations))
          throw new AppError("bad_json", 'The body must be {"destinations": ["server.name", …]}.');
        return jsonAnswer(200, await addDestinations(await dbPool(), actor, body.destinations));
      },
    },
  },
  {
    // One destination as its console page shows it (Synapse's details first), any role; forget it
    // with its rooms and attempts (admin; ?force=true also when not dead).
    pattern: [...FEDCONSOLE_PREFIX, "destinations", null],
    methods: {
      GET: async (ctx) => {
        const actor = await principalWith(ctx, "viewer", "read destinations");
        return jsonAnswer(200, destinationDetailJson(await getDestinationDetail(await dbPool(), actor, ctx.params[0])));
      },
      DELETE: async (ctx) => {
        const actor = await principalWith(ctx, "admin", "forget destinations");
        const force = ctx.query.get("force");
        if (force !== null && force !== "true" && force !== "false")
          throw new AppError("invalid_param", "force must be true or false.");
        await forgetDestination(await dbPool(), actor, ctx.params[0], { force: force === "true" });
        return jsonAnswer(200, {});
      },
    },
  },
  {
    // Its attempt history, newest first: ?limit (1–200, default 50, as the console page shows) and
    // ?before=<id> from the previous page's next_before.
    pattern: [...FEDCONSOLE_PREFIX, "destinations", null, "attempts"],
    methods: {
      GET: async (ctx) => {
        const actor = await principalWith(ctx, "viewer", "read destinations");
        const limit = parseCount(ctx.query, "limit", 50, MAX_ATTEMPTS_SHOWN);
        const before = parseCursor(ctx.query, "before");
        const page = await listAttemptsPage(await dbPool(), actor, ctx.params[0], { limit, before });
        return jsonAnswer(200, attemptsPageJson(page));
      },
    },
  },
  {
    // A federation check of a destination now (lib/checks): any role; changes no retry timing.
    pattern: [...FEDCONSOLE_PREFIX, "destinations", null, "check"],
    methods: {
      POST: async (ctx) => {
        const actor = await principalWith(ctx, "viewer", "run federation checks");
        const stored = await checkServer(await dbPool(), actor, ctx.params[0], processCheckEnv(), {
          destinationOnly: true,
        });
        return jsonAnswer(200, checkJson(stored));
      },
    },
  },
  {
    // "Attempt now": one attempt through the scheduler's path (trigger "manual"), answered when it
    // is recorded; operators. A failure changes no retry timing (lib/destinations/attempt-now.ts).
    pattern: [...FEDCONSOLE_PREFIX, "destinations", null, "attempt"],
    methods: {
      POST: async (ctx) => {
        const actor = await principalWith(ctx, "operator", "attempt destinations now");
        const done = await attemptNow(await dbPool(), actor, ctx.params[0], processAttemptNowEnv());
        return jsonAnswer(200, manualAttemptJson(done));
      },
    },
  },
  {
    // Its stored checks, newest first, without the report bodies (?limit, default 20).
    pattern: [...FEDCONSOLE_PREFIX, "destinations", null, "checks"],
    methods: {
      GET: async (ctx) => {
        const actor = await principalWith(ctx, "viewer", "read federation checks");
        const limit = parseCount(ctx.query, "limit", 20, MAX_CHECKS_LISTED);
        const { checks, total } = await listDestinationChecks(await dbPool(), actor, ctx.params[0], limit);
        return jsonAnswer(200, { checks: checks.map((c) => checkJson(c, false)), total });
      },
    },
  },
  {
    pattern: [...FEDCONSOLE_PREFIX, "destinations", null, "checks", null],
    methods: {
      GET: async (ctx) => {
        const actor = await principalWith(ctx, "viewer", "read federation checks");
        return jsonAnswer(200, checkJson(await getCheck(await dbPool(), actor, ctx.params[1], ctx.params[0])));
      },
    },
  },
];
