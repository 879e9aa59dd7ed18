// The headers every console response carries (SECURITY.md "Headers"): a Content-Security-Policy
// whose scripts and styles need the page's nonce (Next attaches it to its own tags when it
// finds it in the request's CSP header), no framing anywhere (clickjacking), no MIME sniffing,
// no Referer to other origins. The API (/_synapse, /_matrix, /_fedconsole, /.well-known/matrix)
// is not the console: it keeps Synapse's headers and CORS, and gets none of these.
import { isApiPath } from "./api-paths";

/** A fresh nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The console's policy. 'strict-dynamic' lets the nonced framework scripts load their chunks;
 * nothing else runs (no inline handlers, no eval, no other origins). Style attributes are not
 * used by the console; Next's built-in fallback pages do use a few, which then render unstyled.
 */
export function consolePolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** For static files (scripts, styles, icons): nothing in them may run or be framed. */
export const STATIC_POLICY = "default-src 'none'; frame-ancestors 'none'";

export const COMMON_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "same-origin",
  "Cross-Origin-Opener-Policy": "same-origin",
});

export type ConsoleHeaders = {
  /** The CSP to put on the request too (Next reads its nonce from there), or null for static files. */
  requestPolicy: string | null;
  /** The headers to answer with. */
  response: Record<string, string>;
};

/** The security headers of a console path; null for the API (it keeps its own). */
export function consoleSecurityHeaders(pathname: string, nonce: string): ConsoleHeaders | null {
  if (isApiPath(pathname)) return null;
  const isStatic = pathname.startsWith("/_next/static/");
  const policy = isStatic ? STATIC_POLICY : consolePolicy(nonce);
  return {
    requestPolicy: isStatic ? null : policy,
    response: { "Content-Security-Policy": policy, ...COMMON_SECURITY_HEADERS },
  };
}
