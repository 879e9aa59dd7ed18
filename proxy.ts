// Next's proxy (formerly middleware): runs before every request Next itself routes — console
// pages, server actions, static files, and under a bare `next start` the API route handlers
// too (`npm start` answers the API before Next; see scripts/start.ts). Two jobs, no database:
// - the client address: unless FEDCONSOLE_TRUST_PROXY is on, a client's X-Forwarded-For is
//   dropped, so sign-in throttling counts the connection's own address (lib/http/client-address.ts);
// - the console's security headers with a fresh CSP nonce (lib/http/security-headers.ts).
import { type NextRequest, NextResponse } from "next/server";
import { dropUntrustedForwardedFor } from "@/lib/http/client-address";
import { consoleSecurityHeaders, newNonce } from "@/lib/http/security-headers";
import { settings } from "@/lib/settings/settings";

export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  dropUntrustedForwardedFor(headers, settings().trustProxy);
  const nonce = newNonce();
  const security = consoleSecurityHeaders(request.nextUrl.pathname, nonce);
  if (security?.requestPolicy) {
    // Next reads the nonce from the request's CSP header and puts it on its scripts and styles.
    headers.set("content-security-policy", security.requestPolicy);
    headers.set("x-nonce", nonce);
  }
  const response = NextResponse.next({ request: { headers } });
  for (const [name, value] of Object.entries(security?.response ?? {})) response.headers.set(name, value);
  return response;
}
