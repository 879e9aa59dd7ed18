// "Is this request from the server's own machine?" — for the first-run setup page, which creates
// the first admin without a code only then. Only scripts/start.ts can tell: it sees the raw
// connection before Next adds its own X-Forwarded-* headers. It marks a request that comes from a
// loopback address and carries no header a reverse proxy adds (a proxy on the same machine
// connects from loopback for every visitor) with a random value known only to this process;
// a client cannot forge it, and under a bare `next start` nothing is ever marked.
import crypto from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { isIP } from "node:net";

export const LOCAL_HEADER = "x-fedconsole-local";
const PROXY_HEADERS = ["forwarded", "via", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip"];

const g = globalThis as { __fedconsoleLocalMark?: string };

export function isLoopbackAddress(address: string | undefined | null): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/i, "");
  return a === "::1" || (isIP(a) === 4 && a.startsWith("127."));
}

/** scripts/start.ts, before anything else touches the headers. */
export function markLocalRequest(headers: IncomingHttpHeaders, socketAddress: string | undefined): void {
  g.__fedconsoleLocalMark ??= crypto.randomBytes(16).toString("hex");
  delete headers[LOCAL_HEADER];
  if (isLoopbackAddress(socketAddress) && !PROXY_HEADERS.some((h) => h in headers))
    headers[LOCAL_HEADER] = g.__fedconsoleLocalMark;
}

/** True for a request scripts/start.ts marked as local. */
export function isMarkedLocal(headers: Headers): boolean {
  const mark = g.__fedconsoleLocalMark;
  return mark !== undefined && headers.get(LOCAL_HEADER) === mark;
}
