// The sign-in page's URL: `next`, the same-site path to return to after signing in (the
// hidden field the sign-in action reads again), and `signed_out`, which says goodbye.
import { z } from "zod";
import { parseSearchParams, type SearchParams } from "../http/page-params";

export const DEFAULT_NEXT = "/overview";

// Any origin will do: only whether a path stays on it matters.
const BASE = "http://console.invalid";

/**
 * Only paths on this console are followed (no open redirect). Browsers "repair" a URL before
 * following it — they drop tabs and newlines and read "\" as "/", so "/<tab>/evil.example" and
 * "/\evil.example" become "//evil.example", another host — so backslashes and control
 * characters are refused outright; the rest is resolved against an origin and must stay on it,
 * and not start with "//" once resolved ("/..//evil.example"). Returns the resolved path.
 */
export function safeNextPath(raw: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (!raw.startsWith("/") || /[\\\u0000-\u001f\u007f]/.test(raw)) return DEFAULT_NEXT;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return DEFAULT_NEXT;
  }
  const path = url.pathname + url.search + url.hash;
  return url.origin === BASE && !path.startsWith("//") ? path : DEFAULT_NEXT;
}

export const nextPath = z.string().catch(DEFAULT_NEXT).transform(safeNextPath);

export const loginQuerySchema = z
  .object({
    next: nextPath,
    signed_out: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => v.length > 0)
      .catch(false),
  })
  .transform((r) => ({ next: r.next, signedOut: r.signed_out }));

export type LoginQuery = z.output<typeof loginQuerySchema>;

export function parseLoginQuery(p: SearchParams | URLSearchParams): LoginQuery {
  return parseSearchParams(loginQuerySchema, p);
}
