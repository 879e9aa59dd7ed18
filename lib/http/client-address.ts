// The client address that sign-in throttling counts failures against (console sign-in and
// Matrix password login alike): the last X-Forwarded-For entry. scripts/start.ts makes that
// entry trustworthy before any handler runs (forwardedForFromSocket): unless
// FEDCONSOLE_TRUST_PROXY is set, whatever the client sent is replaced by the socket's
// address; behind a trusted reverse proxy the header is kept as the proxy sent it (the proxy
// appends the address it saw, so the last entry is the nearest hop's view).
import type { IncomingHttpHeaders } from "node:http";
import type { HeaderReader } from "./api-request";

const MAX_LENGTH = 100;

/** The last X-Forwarded-For entry (trimmed, at most 100 characters), else null. */
export function clientAddress(headers: HeaderReader): string | null {
  const last = headers
    .get("x-forwarded-for")
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .pop();
  return last ? last.slice(0, MAX_LENGTH) : null;
}

/**
 * Rewrites a Node request's headers so that clientAddress reads the right address: not
 * trusting a proxy, X-Forwarded-For becomes the socket's address (and X-Real-IP is dropped);
 * trusting one, the header is kept, and set to the socket's address only when absent.
 */
export function forwardedForFromSocket(
  headers: IncomingHttpHeaders,
  socketAddress: string | undefined,
  trustProxy: boolean,
): void {
  if (trustProxy) {
    if (!headers["x-forwarded-for"] && socketAddress) headers["x-forwarded-for"] = socketAddress;
    return;
  }
  delete headers["x-real-ip"];
  if (socketAddress) headers["x-forwarded-for"] = socketAddress;
  else delete headers["x-forwarded-for"];
}

/**
 * The same rule for requests Next routes itself (its proxy, proxy.ts, calls this), which under a
 * bare `next start` never went through forwardedForFromSocket: not trusting a proxy, the
 * client's X-Forwarded-For and X-Real-IP are removed, and Next then sets X-Forwarded-For to the
 * socket's address (next/dist/server/base-server.js sets it when absent). True if it changed.
 */
export function dropUntrustedForwardedFor(headers: Headers, trustProxy: boolean): boolean {
  if (trustProxy || (!headers.has("x-forwarded-for") && !headers.has("x-real-ip"))) return false;
  headers.delete("x-forwarded-for");
  headers.delete("x-real-ip");
  return true;
}
