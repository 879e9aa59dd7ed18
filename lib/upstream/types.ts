// Mirror mode's vocabulary: what a source (the homeserver's admin API, or its database) gives
// the sync, and what the sync reports. Sources validate every row; the sync only merges.

/** One destination as the homeserver has it (NULL timings already read as 0, as Synapse's list does). */
export type UpstreamDestination = {
  destination: string;
  retryLastTs: bigint;
  retryInterval: bigint;
  failureTs: bigint | null;
  lastSuccessfulStreamOrdering: bigint | null;
};

export type UpstreamRoom = { roomId: string; streamOrdering: bigint };

/** Something of the upstream's answer that was refused (a row, a page), counted in the pass's errors. */
export type UpstreamProblem = {
  where: string;
  message: string;
  /**
   * The destination it is about, when known: a refused row's name (when it was a string), whose
   * local row the sync must not count as removed; a key out of order; a destination's rooms.
   */
  destination?: string;
};

/** One page of a full scan in destination order (byte order, as Synapse's `ORDER BY destination`). */
export type DestinationPage = {
  rows: UpstreamDestination[];
  problems: UpstreamProblem[];
  /**
   * The upstream's `total` when this page was read (API), or undefined (database: a keyset scan
   * is exact without it). The sync requires the same total on every page and equal to the rows
   * seen before it removes anything.
   */
  total?: bigint;
  /**
   * Keys covered: every upstream destination with after < key <= through is in `rows` (or
   * refused). null is unbounded: the first page has after null, the last through null.
   */
  range: { after: string | null; through: string | null };
  /**
   * API source: a key of this page was not after the one before it (within the page or across
   * pages). Offset paging shifted under a change upstream, or the upstream sorts differently:
   * rows may have been skipped, so the pass must not remove anything. Reported in `problems` too.
   */
  outOfOrder?: true;
  /**
   * The complete room set of every row of the page (database source: rooms come with their
   * destinations). Absent (API source): the sync fetches rooms per destination as it needs.
   */
  rooms?: Map<string, UpstreamRoom[]>;
};

/** New failures since a watermark (the recent-changes pass). */
export type RecentChanges = {
  rows: UpstreamDestination[];
  problems: UpstreamProblem[];
  /** Upstream requests the pass cost (pages read). */
  requests: number;
  /** The newest retry_last_ts seen (the next watermark), or the old one when nothing is newer. */
  watermark: bigint;
  /** API source: where the positive retry_last_ts values begin in `order_by=retry_last_ts&dir=b`. */
  headOffset?: number;
  /**
   * The answer was cut at the source's bound (database: 10 pages, the newest first): older
   * new failures wait for the next full pass.
   */
  truncated?: boolean;
};

export type RoomsResult = { rooms: UpstreamRoom[]; problems: UpstreamProblem[] } | { missing: true };

/** Where the mirror reads from. Both kinds implement every read; only the API can reset. */
export interface UpstreamSource {
  readonly kind: "api" | "database";
  /** Human name for the console header ("synapse.example.org:8008", "database synapse@db"). */
  readonly label: string;
  /** Every destination, in destination order, page by page. */
  scanDestinations(pageSize: number, signal: AbortSignal): AsyncIterable<DestinationPage>;
  /** Destinations whose retry_last_ts is >= watermark (new or renewed failures). */
  recentFailures(watermark: bigint, state: { headOffset?: number }, signal: AbortSignal): Promise<RecentChanges>;
  /** One destination, or null when the upstream does not know it. */
  destination(name: string, signal: AbortSignal): Promise<UpstreamDestination | null>;
  /** The rooms of one destination, complete (every page), or missing. */
  rooms(name: string, signal: AbortSignal): Promise<RoomsResult>;
  close(): Promise<void>;
}

/** Errors of the upstream itself (unreachable, 5xx, token refused, bad answer): a pass fails with it. */
export class UpstreamError extends Error {
  constructor(
    message: string,
    /** unreachable | timeout | unauthorized | http | bad_response */
    readonly kind: "unreachable" | "timeout" | "unauthorized" | "http" | "bad_response",
    readonly status?: number,
    /** The upstream's own Matrix error, when it sent one ({errcode, error}). */
    readonly matrix?: { errcode: string; error: string },
  ) {
    super(message);
    this.name = "UpstreamError";
  }
}

/** The homeserver's admin API beyond reads: what a reset is relayed to. */
export interface UpstreamAdmin {
  /** POST …/reset_connection; resolves on 200, throws UpstreamError otherwise (with `matrix` for a 4xx answer). */
  resetConnection(name: string, signal: AbortSignal): Promise<void>;
}
