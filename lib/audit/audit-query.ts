// The audit page's URL:
//   user         actor (email, or fedctl), trimmed; destination  exact name, trimmed
//   before       keyset cursor: only events with a smaller id (digits; beyond 64 bits clamped)
// A repeated parameter counts by its first value; anything malformed is left out.
import { z } from "zod";
import { firstValue, parseSearchParams, type SearchParams } from "../http/page-params";

const MAX_ID = 9223372036854775807n;

export type AuditPageQuery = { user: string; destination: string; before: bigint | undefined };

const trimmed = firstValue(
  z
    .string()
    .transform((s) => s.trim())
    .catch(""),
);

export const auditQuerySchema = z
  .object({
    user: trimmed,
    destination: trimmed,
    before: firstValue(
      z
        .string()
        .regex(/^\d{1,19}$/)
        .transform((s) => (BigInt(s) > MAX_ID ? MAX_ID : BigInt(s)))
        .optional()
        .catch(undefined),
    ),
  })
  .transform((r): AuditPageQuery => ({ user: r.user, destination: r.destination, before: r.before }));

export function parseAuditQuery(p: SearchParams | URLSearchParams): AuditPageQuery {
  return parseSearchParams(auditQuerySchema, p);
}

/**
 * The URL query of an audit view ("" when empty, else "?..."); empty fields are left out.
 * `change` overrides fields in place, and a field it adds comes last.
 */
export function auditSearch(q: AuditPageQuery, change: Partial<AuditPageQuery> = {}): string {
  const fields: Record<string, string> = {};
  const put = (name: string, v: string | bigint | undefined) => {
    if (v === undefined || v === "") delete fields[name];
    else fields[name] = v.toString();
  };
  put("user", q.user);
  put("destination", q.destination);
  put("before", q.before);
  for (const [name, v] of Object.entries(change)) put(name, v);
  const s = new URLSearchParams(fields).toString();
  return s ? `?${s}` : "";
}
