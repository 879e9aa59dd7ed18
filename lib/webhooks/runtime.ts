// What the console, the API and fedctl need to manage and test webhooks with this process's
// settings: the URL guard, the POST options and what payloads say about this console.
import crypto from "node:crypto";
import os from "node:os";
import { settings } from "../settings/settings";
import type { IpGuard } from "../federation/ip-guard";
import type { PayloadContext } from "./payload";
import { type PostOptions, webhookIpGuard } from "./post-webhook";

export type WebhookRuntime = { guard: IpGuard; post: PostOptions; payload: PayloadContext; owner: string };

let cached: WebhookRuntime | undefined;

export function webhookRuntime(): WebhookRuntime {
  if (cached) return cached;
  const s = settings();
  const guard = webhookIpGuard(s.attempts, s.webhooks);
  cached = {
    guard,
    post: { ipGuard: guard, timeoutMs: s.webhooks.timeoutMs, ca: s.attempts.ca },
    payload: { publicUrl: s.publicUrl, serverName: s.serverName },
    owner: `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`,
  };
  return cached;
}
