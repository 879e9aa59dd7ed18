// The console list's state, all of it in the URL (so a view can be bookmarked and shared):
//   q       case-insensitive substring of the server name (as the API's `destination=`)
//   status  failing | healthy | retrying | never_contacted | backing_off | blocked
//   sort    destination | status | failure_ts | last_attempt | next_retry | retry_interval |
//           last_successful_stream_ordering | rooms
//   dir     asc | desc
//   page    1-based;  size  25 | 50 | 100 | 200
// Unknown or malformed values fall back to the defaults (a stale bookmark still opens).
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

type Params = URLSearchParams | Record<string, string | string[] | undefined>;

function first(p: Params, name: string): string | undefined {
  if (p instanceof URLSearchParams) return p.get(name) ?? undefined;
  const v = p[name];
  return Array.isArray(v) ? v[0] : v;
}

export function parseConsoleListQuery(p: Params): ConsoleListQuery {
  const q = { ...DEFAULT_LIST_QUERY };
  const search = first(p, "q");
  if (search) q.search = search.replace(/\0/g, "").slice(0, MAX_SEARCH_LENGTH);
  const status = first(p, "status");
  if (status && (STATUS_FILTERS as readonly string[]).includes(status)) q.status = status as StatusFilter;
  const sort = first(p, "sort");
  if (sort && (CONSOLE_SORTS as readonly string[]).includes(sort)) q.sort = sort as ConsoleSort;
  const dir = first(p, "dir");
  if (dir === "asc" || dir === "desc") q.dir = dir;
  const page = first(p, "page");
  if (page && /^\d{1,9}$/.test(page) && Number(page) >= 1) q.page = Number(page);
  const size = first(p, "size");
  if (size && (PAGE_SIZES as readonly number[]).includes(Number(size))) q.size = Number(size);
  return q;
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
