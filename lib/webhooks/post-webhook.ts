// One webhook POST, as federation connections are guarded: the URL's host checked by the IP
// guard (an IP literal at once, a name on every address it resolves to, all or nothing, and the
// socket connects to a checked address, so DNS rebinding cannot slip one through); a deadline
// over connect, answer and body; redirects never followed (an answer 3xx is a failed try); at
// most MAX_RESPONSE_BYTES of the answer read.
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import net from "node:net";
import tls from "node:tls";
import { systemDns, type DnsFunctions } from "../federation/guarded-lookup";
import { createIpGuard, type IpGuard } from "../federation/ip-guard";
import type { AttemptSettings, WebhookSettings } from "../settings/settings";
import { guardedNetLookup } from "../upstream/upstream-ip-guard";

export const MAX_RESPONSE_BYTES = 64 * 1024;
export const USER_AGENT = "FederationConsole/0.1 (webhook)";

export type PostResult = { ok: boolean; statusCode: number | null; durationMs: number; error: string | null };

export type PostOptions = {
  ipGuard: IpGuard;
  timeoutMs: number;
  ca?: string;
  dns?: Pick<DnsFunctions, "lookup">;
};

/** The guard of webhook URLs: the federation blocklist minus both allowlists. */
export function webhookIpGuard(
  attempts: Pick<AttemptSettings, "ipBlocklist" | "ipAllowlist">,
  webhooks: Pick<WebhookSettings, "ipAllowlist">,
): IpGuard {
  return createIpGuard({
    blocklist: attempts.ipBlocklist,
    allowlist: [...attempts.ipAllowlist, ...webhooks.ipAllowlist],
  });
}

const blockedMessage = (what: string) =>
  `${what} is in a blocked IP range (FEDERATION_IP_RANGE_BLOCKLIST; open it with FEDCONSOLE_WEBHOOK_IP_RANGE_ALLOWLIST)`;

export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  o: PostOptions,
): Promise<PostResult> {
  const started = performance.now();
  const done = (statusCode: number | null, error: string | null): PostResult => ({
    ok: error === null && statusCode !== null && statusCode >= 200 && statusCode < 300,
    statusCode,
    durationMs: Math.round(performance.now() - started),
    error,
  });
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve(done(null, "the URL is not valid"));
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  if (net.isIP(host) !== 0 && o.ipGuard.isBlocked(host)) return Promise.resolve(done(null, blockedMessage(host)));
  const lookup = guardedNetLookup(o.ipGuard, o.dns ?? systemDns) as unknown as LookupFunction;
  const secure = u.protocol === "https:";
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (r: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const options: https.RequestOptions = {
      method: "POST",
      hostname: host,
      port: u.port || undefined,
      path: `${u.pathname}${u.search}`,
      lookup,
      agent: false,
      headers: {
        "Content-Type": "application/json",
        "Content-Length": String(Buffer.byteLength(body)),
        "User-Agent": USER_AGENT,
        ...headers,
      },
      ...(secure && o.ca?.trim() ? { ca: [...tls.rootCertificates, o.ca] } : {}),
    };
    const req = (secure ? https : http).request(options, (res) => {
      const status = res.statusCode ?? 0;
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) finish(done(status, `the answer is larger than ${MAX_RESPONSE_BYTES} bytes`));
      });
      res.on("error", () => {});
      res.on("end", () => {
        if (status >= 300 && status < 400) finish(done(status, `answered ${status} (redirects are not followed)`));
        else if (status < 200 || status >= 300) finish(done(status, `answered ${status}`));
        else finish(done(status, null));
      });
    });
    const timer = setTimeout(() => finish(done(null, `no answer within ${o.timeoutMs} ms`)), o.timeoutMs);
    req.on("error", (e: Error & { code?: string }) => {
      if (e.code === "IP_BLOCKED") return finish(done(null, blockedMessage(host)));
      finish(done(null, `${e.code ? `${e.code}: ` : ""}${e.message}`.slice(0, 300)));
    });
    req.end(body);
  });
}
