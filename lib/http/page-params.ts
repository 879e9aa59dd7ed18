// Console pages' search params, as Next passes them: a string, or an array for a repeated name.
// Lenient on purpose, unlike params.ts (which reproduces Synapse's errors for the API): a bad
// or stale value falls back to its default, so an old bookmark still opens and never a 500.
// Each page has one zod schema over this record; every field ends in .catch(default).
import { z } from "zod";

export type SearchParams = Record<string, string | string[] | undefined>;

/** The same record from URLSearchParams (a repeated name becomes an array, as Next does). */
export function searchParamsRecord(p: URLSearchParams): SearchParams {
  const out: SearchParams = {};
  for (const name of new Set(p.keys())) {
    const all = p.getAll(name);
    out[name] = all.length === 1 ? all[0] : all;
  }
  return out;
}

/** A field that reads the first value of a repeated parameter (as URLSearchParams.get does). */
export function firstValue<T extends z.ZodType>(field: T) {
  return z.preprocess((v) => (Array.isArray(v) ? v[0] : v), field);
}

/** Parses a page's search params with its schema; URLSearchParams are accepted too (tests, scripts). */
export function parseSearchParams<T>(schema: z.ZodType<T>, p: SearchParams | URLSearchParams): T {
  return schema.parse(p instanceof URLSearchParams ? searchParamsRecord(p) : p);
}
