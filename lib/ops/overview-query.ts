// The overview page's URL: `range` = 24h (default) | 7d | 30d for the history charts; anything
// else falls back to the default (a stale bookmark still opens).
import { z } from "zod";
import { firstValue, parseSearchParams, type SearchParams } from "../http/page-params";
import { HISTORY_RANGES, type HistoryRange } from "./read-history";

export const overviewQuerySchema = z.object({ range: firstValue(z.enum(HISTORY_RANGES).catch("24h")) });

export function parseOverviewQuery(p: SearchParams | URLSearchParams): { range: HistoryRange } {
  return parseSearchParams(overviewQuerySchema, p);
}
