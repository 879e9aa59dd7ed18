// The console list's state, all of it in the URL (so a view can be bookmarked and shared):
//   q       case-insensitive substring of the server name (as the API's `destination=`)
//   status  failing | healthy | retrying | never_contacted | backing_off | blocked
//   sort    destination | status | failure_ts | last_attempt | next_retry | retry_interval |
//           last_successful_stream_ordering | rooms
//   dir     asc | desc
//   page    1-based;  size  25 | 50 | 100 | 200
// Unknown or malformed values fall back to the defaults (a stale bookmark still opens).
import { z } from "zod";
import { firstValue, parseSearchParams, type SearchParams } from "../http/page-params";
import { STATUS_FILTERS, type StatusFilter } from "./destination-status";

export const CONSOLE_SORTS = [
  "destination",
  "status",
  "failure_ts",
  "last_attempt",
  "next_retry",
  "retry_interval",
  "last_successful_stream_ordering",
  "rooms",
] as const;
export type ConsoleSort = (typeof CONSOLE_SORTS)[number];
export type SortDir = "asc" | "desc";
export const PAGE_SIZES = [25, 50, 100, 200] as const;
export const DEFAULT_PAGE_SIZE = 50;
/** Search terms longer than this are cut (a server name is at most 255 bytes plus a port). */
export const MAX_SEARCH_LENGTH = 300;

export type ConsoleListQuery = {
  search: string;
  status: StatusFilter | null;
  sort: ConsoleSort;
  dir: SortDir;
  page: number;
  size: number;
};

export const DEFAULT_LIST_QUERY: ConsoleListQuery = {
  search: "",
  status: null,
  sort: "destination",
  dir: "asc",
  page: 1,
  size: DEFAULT_PAGE_SIZE,
};

/** The search box's text: NULs dropped (PostgreSQL text cannot hold them), cut to MAX_SEARCH_LENGTH. */
export const searchText = z
  .string()
  .transform((s) => s.replace(/\0/g, "").slice(0, MAX_SEARCH_LENGTH))
  .catch("");
export const statusFilter = z.enum(STATUS_FILTERS).nullable().catch(null);

/** The list's filter alone: what "reset all failing matching this filter" receives from the page. */
export const listFilterSchema = z.object({ search: searchText, status: statusFilter });

/** The list page's search params; a repeated parameter counts by its first value. */
export const consoleListQuerySchema = z
  .object({
    q: firstValue(searchText),
    status: firstValue(statusFilter),
    sort: firstValue(z.enum(CONSOLE_SORTS).catch(DEFAULT_LIST_QUERY.sort)),
    dir: firstValue(z.enum(["asc", "desc"]).catch(DEFAULT_LIST_QUERY.dir)),
    page: firstValue(
      z
        .string()
        .regex(/^\d{1,9}$/)
        .transform(Number)
        .pipe(z.number().min(1))
        .catch(DEFAULT_LIST_QUERY.page),
    ),
    // Read with Number(): "100", " 100" and "1e2" all mean 100.
    size: firstValue(
      z
        .string()
        .transform(Number)
        .refine((n) => (PAGE_SIZES as readonly number[]).includes(n))
        .catch(DEFAULT_LIST_QUERY.size),
    ),
  })
  .transform(
    (r): ConsoleListQuery => ({ search: r.q, status: r.status, sort: r.sort, dir: r.dir, page: r.page, size: r.size }),
  );

export function parseConsoleListQuery(p: SearchParams | URLSearchParams): ConsoleListQuery {
  return parseSearchParams(consoleListQuerySchema, p);
}

/** The URL query of a list state, defaults left out; `change` overrides fields (page resets to 1 unless given). */
export function consoleListSearch(q: ConsoleListQuery, change: Partial<ConsoleListQuery> = {}): string {
  const resetsPage = Object.keys(change).some((k) => k !== "page");
  const n: ConsoleListQuery = { ...q, ...change, page: change.page ?? (resetsPage ? 1 : q.page) };
  const out = new URLSearchParams();
  if (n.search) out.set("q", n.search);
  if (n.status) out.set("status", n.status);
  if (n.sort !== DEFAULT_LIST_QUERY.sort) out.set("sort", n.sort);
  if (n.dir !== DEFAULT_LIST_QUERY.dir) out.set("dir", n.dir);
  if (n.page !== 1) out.set("page", String(n.page));
  if (n.size !== DEFAULT_LIST_QUERY.size) out.set("size", String(n.size));
  const s = out.toString();
  return s ? `?${s}` : "";
}
