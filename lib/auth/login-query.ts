// The sign-in page's URL: `next`, the same-site path to return to after signing in (the
// hidden field the sign-in action reads again), and `signed_out`, which says goodbye.
import { z } from "zod";
import { parseSearchParams, type SearchParams } from "../http/page-params";

export const DEFAULT_NEXT = "/destinations";

/** Only same-site paths are followed (no open redirect): not "//host", not "/\host". */
export function safeNextPath(raw: string): string {
  return raw.startsWith("/") && !raw.startsWith("//") && !raw.startsWith("/\\") ? raw : DEFAULT_NEXT;
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
