// fedctl webhooks add | list | remove | test | deliveries: alert webhooks from the command line
// (README "Alert webhooks"), through the same lib/webhooks functions as the console and the API.
import { CLI_PRINCIPAL } from "@/lib/auth/principal";
import { createWebhook, deleteWebhook, listWebhooks } from "@/lib/webhooks/endpoints";
import { ALERT_EVENTS } from "@/lib/webhooks/events";
import { listDeliveries } from "@/lib/webhooks/list-deliveries";
import { webhookRuntime } from "@/lib/webhooks/runtime";
import { testWebhook } from "@/lib/webhooks/test-webhook";
import { defineCommand } from "../command-table";

const iso = (ms: number) => new Date(ms).toISOString();

export const webhookCommands = [
  defineCommand({
    name: "webhooks add",
    summary: "adds an alert webhook; prints its id (and the generated secret when none was given, once)",
    positionals: { url: "URL" },
    options: {
      secret: { type: "string", value: "S", description: "HMAC secret (16–200 characters); default: one is generated" },
      events: {
        type: "string",
        value: "E,E",
        description: `events to send (${ALERT_EVENTS.join(", ")}); default: all`,
      },
      description: { type: "string", value: "TEXT", description: "what it is for" },
      disabled: { type: "boolean", description: "add it switched off" },
    },
    async run({ args, values }, ctx) {
      const r = await createWebhook(
        (await ctx.db()).pool,
        CLI_PRINCIPAL,
        {
          url: args.url,
          secret: values.secret,
          events: values.events,
          description: values.description,
          enabled: !values.disabled,
        },
        webhookRuntime().guard,
      );
      ctx.out(r.endpoint.id);
      if (r.generatedSecret) ctx.out(`secret: ${r.generatedSecret}`);
      return 0;
    },
  }),
  defineCommand({
    name: "webhooks list",
    summary: "id, URL, events, on/off, last try",
    positionals: {},
    options: {},
    async run(_input, ctx) {
      for (const w of await listWebhooks((await ctx.db()).pool, CLI_PRINCIPAL)) {
        const last = w.lastTry
          ? `last try ${iso(w.lastTry.at)} ${w.lastTry.ok ? "ok" : "failed"}${w.lastTry.statusCode ? ` ${w.lastTry.statusCode}` : ""}`
          : "never tried";
        ctx.out(`${w.id}\t${w.url}\t${w.events.join(",")}\t${w.enabled ? "on" : "off"}\t${last}`);
      }
      return 0;
    },
  }),
  defineCommand({
    name: "webhooks remove",
    summary: "deletes a webhook (by id or URL) and its delivery history",
    positionals: { endpoint: "ID|URL" },
    options: {},
    async run({ args }, ctx) {
      const w = await deleteWebhook((await ctx.db()).pool, CLI_PRINCIPAL, args.endpoint);
      ctx.out(`Removed ${w.id} (${w.url}).`);
      return 0;
    },
  }),
  defineCommand({
    name: "webhooks test",
    summary: "sends a signed test event now and prints the answer; exit 1 when it failed",
    positionals: { endpoint: "ID|URL" },
    options: {},
    async run({ args }, ctx) {
      const r = await testWebhook((await ctx.db()).pool, CLI_PRINCIPAL, args.endpoint, webhookRuntime());
      ctx.out(
        r.ok
          ? `delivered: ${r.statusCode} in ${r.durationMs} ms`
          : `failed: ${r.error ?? `answered ${r.statusCode}`} (${r.durationMs} ms)`,
      );
      return r.ok ? 0 : 1;
    },
  }),
  defineCommand({
    name: "webhooks deliveries",
    summary: "the newest delivery tries of a webhook: time, event, try, status code, duration, error",
    positionals: { endpoint: "ID|URL" },
    options: { limit: { type: "string", value: "N", default: "20", description: "how many (at most 500)" } },
    async run({ args, values }, ctx) {
      const limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) {
        ctx.out("--limit must be a positive integer");
        return 2;
      }
      for (const t of await listDeliveries((await ctx.db()).pool, CLI_PRINCIPAL, args.endpoint, limit)) {
        ctx.out(
          `${iso(t.at)}\t${t.event}\ttry ${t.tryNumber}\t${t.ok ? "ok" : "failed"}\t${t.statusCode ?? "-"}\t${t.durationMs} ms\t${t.error ?? ""}\t(${t.deliveryStatus})`,
        );
      }
      return 0;
    },
  }),
];
