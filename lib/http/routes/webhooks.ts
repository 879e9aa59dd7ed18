// Alert webhooks under our API (/_fedconsole/v1/webhooks, admin tokens): the same lib/webhooks
// functions as the console's actions and fedctl.
import { readJsonObject } from "../../compat/json-body";
import { AppError } from "../../errors";
import { createWebhook, deleteWebhook, getWebhook, listWebhooks, updateWebhook } from "../../webhooks/endpoints";
import type { EndpointInput } from "../../webhooks/endpoint-input";
import { listDeliveries } from "../../webhooks/list-deliveries";
import { webhookRuntime } from "../../webhooks/runtime";
import { deliveryJson, endpointJson } from "../../webhooks/serialize";
import { testWebhook } from "../../webhooks/test-webhook";
import { parseCount } from "../params";
import { jsonAnswer } from "../respond";
import { dbPool, principalWith, type RouteContext, type Route } from "../route";
import { FEDCONSOLE_PREFIX } from "./fedconsole";

const BASE = [...FEDCONSOLE_PREFIX, "webhooks"];

/** The body's known fields, each of its type; anything else is refused by name. */
async function endpointBody(ctx: RouteContext): Promise<EndpointInput> {
  const b = await readJsonObject(ctx.req);
  const out: EndpointInput = {};
  for (const [k, v] of Object.entries(b)) {
    if ((k === "url" || k === "secret" || k === "description") && typeof v === "string") out[k] = v;
    else if (k === "enabled" && typeof v === "boolean") out.enabled = v;
    else if (k === "events" && Array.isArray(v) && v.every((e) => typeof e === "string")) out.events = v as string[];
    else throw new AppError("invalid_param", `Unknown or mistyped field "${k}".`);
  }
  return out;
}

const admin = (ctx: RouteContext) => principalWith(ctx, "admin", "manage webhooks");

export const WEBHOOK_ROUTES: Route[] = [
  {
    pattern: BASE,
    methods: {
      GET: async (ctx) => {
        const actor = await admin(ctx);
        return jsonAnswer(200, { webhooks: (await listWebhooks(await dbPool(), actor)).map(endpointJson) });
      },
      POST: async (ctx) => {
        const actor = await admin(ctx);
        const body = await endpointBody(ctx);
        const r = await createWebhook(await dbPool(), actor, body, webhookRuntime().guard);
        // The generated secret, once; a secret the caller gave is not echoed.
        return jsonAnswer(200, {
          webhook: endpointJson(r.endpoint),
          ...(r.generatedSecret ? { secret: r.generatedSecret } : {}),
        });
      },
    },
  },
  {
    pattern: [...BASE, null],
    methods: {
      GET: async (ctx) =>
        jsonAnswer(200, endpointJson(await getWebhook(await dbPool(), await admin(ctx), ctx.params[0]))),
      PUT: async (ctx) => {
        const actor = await admin(ctx);
        const body = await endpointBody(ctx);
        return jsonAnswer(
          200,
          endpointJson(await updateWebhook(await dbPool(), actor, ctx.params[0], body, webhookRuntime().guard)),
        );
      },
      DELETE: async (ctx) => {
        await deleteWebhook(await dbPool(), await admin(ctx), ctx.params[0]);
        return jsonAnswer(200, {});
      },
    },
  },
  {
    pattern: [...BASE, null, "test"],
    methods: {
      POST: async (ctx) => {
        const r = await testWebhook(await dbPool(), await admin(ctx), ctx.params[0], webhookRuntime());
        return jsonAnswer(200, {
          ok: r.ok,
          status_code: r.statusCode,
          duration_ms: r.durationMs,
          error: r.error,
          delivery_id: r.deliveryId,
        });
      },
    },
  },
  {
    pattern: [...BASE, null, "deliveries"],
    methods: {
      GET: async (ctx) => {
        const actor = await admin(ctx);
        const limit = parseCount(ctx.query, "limit", 50, 500);
        const rows = await listDeliveries(await dbPool(), actor, ctx.params[0], limit);
        return jsonAnswer(200, { deliveries: rows.map(deliveryJson) });
      },
    },
  },
];
