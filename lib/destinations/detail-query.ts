// The destination page's URL: the name in the path, and the shared-rooms pager in the query:
//   rooms_from  offset into the rooms (up to 12 digits; anything else is 0)
//   rooms_dir   b for room_id descending; anything else is ascending (f), like the API's dir
// Only a single value counts: a repeated parameter falls back to the default.
import { z } from "zod";
import { parseSearchParams, type SearchParams } from "../http/page-params";
import type { Direction } from "../http/params";

export const ROOMS_PAGE_SIZE = 50n;

export type DetailQuery = { roomsFrom: bigint; roomsDir: Direction };

export const detailQuerySchema = z
  .object({
    rooms_from: z
      .string()
      .regex(/^\d{1,12}$/)
      .transform(BigInt)
      .catch(0n),
    rooms_dir: z.literal("b").or(z.literal("f")).catch("f"),
  })
  .transform((r): DetailQuery => ({ roomsFrom: r.rooms_from, roomsDir: r.rooms_dir }));

export function parseDetailQuery(p: SearchParams | URLSearchParams): DetailQuery {
  return parseSearchParams(detailQuerySchema, p);
}

/** The destination from the path segment; a malformed escape is taken literally. */
export function destinationFromSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export const destinationPath = (destination: string) => `/destinations/${encodeURIComponent(destination)}`;

/** A link to a page of the shared rooms (defaults left out), scrolled to the rooms table. */
export function roomsHref(destination: string, q: DetailQuery): string {
  const p = new URLSearchParams();
  if (q.roomsFrom) p.set("rooms_from", q.roomsFrom.toString());
  if (q.roomsDir === "b") p.set("rooms_dir", "b");
  return `${destinationPath(destination)}?${p}#rooms`;
}

/** Where the previous page of rooms starts (never below 0). */
export const previousRoomsFrom = (from: bigint) => (from > ROOMS_PAGE_SIZE ? from - ROOMS_PAGE_SIZE : 0n);
