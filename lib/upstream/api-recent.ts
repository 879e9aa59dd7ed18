// The recent-changes pass through the admin API: destinations whose retry_last_ts is at least
// the watermark, read newest first from `order_by=retry_last_ts&dir=b`, starting where the
// positive values begin (recent-head.ts) and stopping at the first older one — one page when
// nothing is new. Rows with retry_last_ts 0 are not failures and end the run of positives.
import { DESTINATIONS_PATH, getOk, listPath } from "./api-paths";
import { parseDestinationsPage, type ParsedDestinationsPage } from "./parse-upstream";
import { type HeadPage, locateHead } from "./recent-head";
import type { RecentChanges, UpstreamDestination, UpstreamProblem } from "./types";
import type { UpstreamClient } from "./upstream-client";

type Page = HeadPage & { parsed: ParsedDestinationsPage };

export async function readRecentFailures(
  client: UpstreamClient,
  pageSize: number,
  watermark: bigint,
  state: { headOffset?: number },
  signal: AbortSignal,
): Promise<RecentChanges> {
  let requests = 0;
  const read = async (from: number, limit: number): Promise<Page> => {
    requests++;
    const where = `${DESTINATIONS_PATH} by retry_last_ts (dir=b) from=${from}`;
    const parsed = parseDestinationsPage(
      await getOk(client, listPath("retry_last_ts", "b", from, limit), signal),
      where,
    );
    return {
      from,
      positive: parsed.entries.map((e) => e.row !== null && e.row.retryLastTs > 0n),
      end: parsed.nextToken === null || parsed.count < limit,
      parsed,
    };
  };
  const anyFailing = async (): Promise<boolean> => {
    requests++;
    const where = `${DESTINATIONS_PATH} by failure_ts from=0`;
    const parsed = parseDestinationsPage(await getOk(client, listPath("failure_ts", "f", 0, 1), signal), where);
    // A refused first row may well be failing: look for it rather than miss it.
    return parsed.entries.some((e) => e.row === null || e.row.failureTs !== null);
  };

  const previous = Math.max(0, Math.floor(state.headOffset ?? 0));
  const found = await locateHead(previous, pageSize, { page: read, anyFailing });
  const rows: UpstreamDestination[] = [];
  const problems: UpstreamProblem[] = [];
  if (found.head === null) return { rows, problems, requests, watermark, headOffset: previous };

  const seen = new Set<string>();
  let newest = watermark;
  const cached = [...found.pages];
  let pos = found.head;
  for (;;) {
    const next = cached.shift();
    const page =
      next !== undefined && next.from <= pos && pos <= next.from + next.positive.length
        ? next
        : await read(pos, pageSize);
    let older = false;
    for (let k = pos - page.from; k < page.parsed.entries.length; k++) {
      const { row, problem } = page.parsed.entries[k];
      if (row === null) {
        if (problem) problems.push(problem);
        continue;
      }
      if (row.retryLastTs === 0n || row.retryLastTs < watermark) {
        older = true;
        break;
      }
      if (seen.has(row.destination)) continue; // offsets shifted between two pages
      seen.add(row.destination);
      rows.push(row);
      if (row.retryLastTs > newest) newest = row.retryLastTs;
    }
    pos = page.from + page.positive.length;
    if (older || page.end || page.positive.length === 0) break;
  }
  return { rows, problems, requests, watermark: newest, headOffset: found.head };
}
