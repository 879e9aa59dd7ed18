// What every e2e test uses: tokens per role, direct database seeding, and API helpers.
import pg from "pg";
import { test as base, expect, type APIRequestContext } from "@playwright/test";
import { withTransaction } from "../../lib/db/transaction";

export type Role = "admin" | "operator" | "viewer";
export const tokens = (): Record<Role, string> => JSON.parse(process.env.E2E_TOKENS ?? "{}");
export const testEnv = () => ({
  DATABASE_URL: process.env.E2E_DATABASE_URL!,
  FEDCONSOLE_DATA_DIR: process.env.E2E_DATA_DIR!,
  FEDERATION_SCHEDULER: "off",
});

export type SeedDestination = {
  destination: string;
  retry_last_ts?: bigint | number;
  retry_interval?: bigint | number;
  failure_ts?: bigint | number | null;
  last_successful_stream_ordering?: bigint | number | null;
  rooms?: { room_id: string; stream_ordering: bigint | number }[];
};

let pool: pg.Pool | undefined;
export function db(): pg.Pool {
  pool ??= new pg.Pool({ connectionString: process.env.E2E_DATABASE_URL, max: 2 });
  return pool;
}

const str = (v: bigint | number | null | undefined) => (v === null || v === undefined ? null : v.toString());

/** Replaces all destinations (and their rooms) with the given rows. */
export async function seed(rows: SeedDestination[]): Promise<void> {
  await withTransaction(db(), async (c) => {
    await c.query("TRUNCATE destinations CASCADE");
    for (const r of rows) {
      await c.query(
        "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering) VALUES ($1, $2, $3, $4, $5)",
        [
          r.destination,
          str(r.retry_last_ts) ?? "0",
          str(r.retry_interval) ?? "0",
          str(r.failure_ts),
          str(r.last_successful_stream_ordering),
        ],
      );
      for (const room of r.rooms ?? []) {
        await c.query("INSERT INTO destination_rooms (destination, room_id, stream_ordering) VALUES ($1, $2, $3)", [
          r.destination,
          room.room_id,
          str(room.stream_ordering),
        ]);
      }
    }
  });
}

export const FED = "/_synapse/admin/v1/federation/destinations";

/** GET/POST with a role's bearer token; returns status and the raw body text (exact integers). */
export async function call(
  request: APIRequestContext,
  method: "GET" | "POST",
  path: string,
  role: Role | null = "admin",
  body?: string,
) {
  const headers: Record<string, string> = {};
  if (role) headers.Authorization = `Bearer ${tokens()[role]}`;
  const res = await request.fetch(path, { method, headers, data: body });
  const text = await res.text();
  return { status: res.status(), text, json: () => JSON.parse(text), headers: res.headers() };
}

export const test = base;
export { expect };
