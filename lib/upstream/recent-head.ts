// Where the failing destinations begin in `order_by=retry_last_ts&dir=b` (the recent-changes
// pass of the API source).
//
// Synapse writes a destinations row with NULL timings when it first learns a destination
// (synapse/storage/databases/main/transactions.py) and lists NULL as 0 but sorts by the NULL,
// so on PostgreSQL (DESC puts NULLs first) the list reads
//     [NULL rows, shown as 0: a] [retry_last_ts > 0, newest first: p] [real zeros: z]
// while our own API, Synapse on SQLite and a homeserver without such rows have a = 0. The head
// is `a`: where positive values begin. Rows of the first and last block look the same (0), so
// a zero at an arbitrary offset cannot tell which block it is in — but every zero BEFORE a
// positive is a NULL row, which makes [0, any positive] monotone (zeros, then positives).
//
// Algorithm, from the previous head h (0 the first time), margin M = min(64, pageSize/4), at least 1:
//  1. Read one page from o = max(0, h - M). Its first positive at index i with i > 0 (a zero
//     before it) or o = 0 is the head: one request — the case when nothing moved or the head
//     moved by less than the page.
//  2. The page starts with a positive (the head moved back by more than M: NULL rows turned into
//     failures): the head is in [0, o]. Read the page before o; its last zero + 1 is the head;
//     failing that, binary search [0, that page's start] with one-row probes: 2 + log2(o)
//     requests at worst.
//  3. No positive in the page: when the page started at 0 and reached the end, nothing fails.
//     Otherwise ask whether anything fails at all (`order_by=failure_ts&dir=f&limit=1`: a
//     backing-off destination has failure_ts set — synapse/util/retryutils.py sets it with the
//     first failure and clears it with the timings; NULL failure_ts sort last there): if not,
//     done (2 requests). (On SQLite, whose NULLs sort first there, a = 0, so a page from 0
//     without a positive already means nothing fails.) Else the head moved forward past the page (many new destinations, or
//     the first pass against a Synapse with a large NULL block) or back past it: scan pages
//     forward from the page's end, then from 0 up to o. The first positive met is the head. At
//     worst total/pageSize requests, once, as much as one full pass; the next pass is cheap.
// The result is exact except for rows refused as invalid, which count as zeros.

/** A page of the dir=b list, reduced to what the search needs. */
export type HeadPage = {
  from: number;
  /** Per entry, whether its retry_last_ts is > 0 (false for a refused row). */
  positive: boolean[];
  /** The last page of the list (short, or without next_token). */
  end: boolean;
};

export type HeadReader<P extends HeadPage> = {
  page(from: number, limit: number): Promise<P>;
  /** Whether any destination has a failure_ts at all. */
  anyFailing(): Promise<boolean>;
};

/**
 * The head (null: nothing has retry_last_ts > 0) and the consecutive pages already read from the
 * one holding it on, so the caller collects without reading them again (empty: read from head).
 */
export type HeadFound<P extends HeadPage> = { head: number; pages: P[] } | { head: null };

/** Rows read before the previous head: at least one (the zero that proves the boundary), unless pages hold one row. */
export const headMargin = (pageSize: number): number =>
  pageSize < 2 ? 0 : Math.max(1, Math.min(64, Math.floor(pageSize / 4)));

export async function locateHead<P extends HeadPage>(
  previous: number,
  pageSize: number,
  reader: HeadReader<P>,
): Promise<HeadFound<P>> {
  const o = Math.max(0, previous - headMargin(pageSize));
  const first = await reader.page(o, pageSize);
  const i = first.positive.indexOf(true);
  if (i > 0 || (i === 0 && o === 0)) return { head: o + i, pages: [first] };
  if (i === 0) return searchBack(first, pageSize, reader);
  if (o === 0 && first.end) return { head: null };
  if (!(await reader.anyFailing())) return { head: null };

  let page = first;
  while (!page.end && page.positive.length > 0) {
    page = await reader.page(page.from + page.positive.length, pageSize);
    const j = page.positive.indexOf(true);
    if (j >= 0) return { head: page.from + j, pages: [page] };
  }
  for (let from = 0; from < o; ) {
    const p = await reader.page(from, Math.min(pageSize, o - from));
    const j = p.positive.indexOf(true);
    if (j >= 0) return { head: from + j, pages: [p] };
    if (p.positive.length === 0) break;
    from += p.positive.length;
  }
  return { head: null };
}

/** `first` starts with a positive and everything before it is zeros-then-positives: find the first positive. */
async function searchBack<P extends HeadPage>(
  first: P,
  pageSize: number,
  reader: HeadReader<P>,
): Promise<HeadFound<P>> {
  const o = first.from;
  const start = Math.max(0, o - pageSize);
  const before = await reader.page(start, o - start);
  const lastZero = before.positive.lastIndexOf(false);
  const contiguous = before.positive.length === o - start;
  if (lastZero >= 0) {
    const head = start + lastZero + 1;
    return { head, pages: !contiguous ? [] : head < o ? [before, first] : [first] };
  }
  if (start === 0) return { head: 0, pages: contiguous ? [before, first] : [] };
  // Everything in [start, o] is positive; the boundary is in [0, start].
  let lo = 0;
  let hi = start;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const probe = await reader.page(mid, 1);
    if (probe.positive[0] === true) hi = mid;
    else lo = mid + 1;
  }
  return { head: hi, pages: [] };
}
