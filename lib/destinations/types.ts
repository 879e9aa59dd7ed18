// Synapse's view of a destination, with exact 64-bit integers.
export type DestinationTimings = {
  destination: string;
  retryLastTs: bigint;
  retryInterval: bigint;
  failureTs: bigint | null;
  lastSuccessfulStreamOrdering: bigint | null;
};

export type RoomRow = { roomId: string; streamOrdering: bigint };

export const SORT_COLUMNS = [
  "destination",
  "retry_last_ts",
  "retry_interval",
  "failure_ts",
  "last_successful_stream_ordering",
] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];

export type Page<T> = { items: T[]; total: bigint; nextToken: bigint | null };

/**
 * A page read in batches (answers to a large `limit`): the total first, then the items batch
 * by batch from one snapshot; close() must be called once, when done or abandoned.
 */
export type PageStream<T> = { total: bigint; next(): Promise<T[] | null>; close(error?: unknown): Promise<void> };
