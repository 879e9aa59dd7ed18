// The console tests' database (a fresh one per test file, emptied before each test) and
// their rows: a destination with the columns its status depends on, and rooms.
import { before, after, beforeEach } from "node:test";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";
import type { Principal } from "../auth/principal";
import { DEFAULT_LIST_QUERY, type ConsoleListQuery } from "./console-list-query";

export let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE destinations, audit_events CASCADE");
});

export const NOW = 1_800_000_000_000n;
export const viewer: Principal = { userId: null, email: "v@x.test", role: "viewer", via: "console" };
export const operator: Principal = { userId: null, email: "op@x.test", role: "operator", via: "console" };

export type Row = {
  destination: string;
  retry_last_ts?: bigint;
  retry_interval?: bigint;
  failure_ts?: bigint | null;
  lsso?: bigint | null;
  last_attempt_ts?: bigint | null;
  last_outcome?: string | null;
  last_error_kind?: string | null;
  claimed_until?: bigint | null;
  wake_requested_at?: bigint | null;
  rooms?: number;
};

export async function insert(rows: Row[]) {
  for (const r of rows) {
    await db.pool.query(
      `INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering, last_attempt_ts,
         last_error_kind, claimed_until, wake_requested_at, last_outcome) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
      [
        r.destination,
        String(r.retry_last_ts ?? 0n),
        String(r.retry_interval ?? 0n),
        r.failure_ts?.toString() ?? null,
        r.lsso?.toString() ?? null,
        r.last_attempt_ts?.toString() ?? null,
        r.last_error_kind ?? null,
        r.claimed_until?.toString() ?? null,
        r.wake_requested_at?.toString() ?? null,
        r.last_outcome ?? null,
      ],
    );
    for (let i = 0; i < (r.rooms ?? 0); i++) {
      await db.pool.query("INSERT INTO destination_rooms (destination, room_id, stream_ordering) VALUES ($1, $2, $3)", [
        r.destination,
        `!r${i}:x`,
        i,
      ]);
    }
  }
}

/** A list query: the defaults, 200 a page, and `over`. */
export const q = (over: Partial<ConsoleListQuery>): ConsoleListQuery => ({ ...DEFAULT_LIST_QUERY, size: 200, ...over });
