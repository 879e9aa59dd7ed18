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

/** What the scheduler would have recorded, beyond Synapse's four columns. */
export type ConsoleSeed = SeedDestination & {
  last_attempt_ts?: bigint | number | null;
  last_outcome?: "success" | "failure" | "neutral" | null;
  last_error_kind?: string | null;
  last_error_message?: string | null;
  last_success_ts?: bigint | number | null;
  resolved_address?: string | null;
  server_software?: string | null;
  server_version?: string | null;
};

/** seed() plus the scheduler's columns; the audit log is emptied too. */
export async function seedConsole(rows: ConsoleSeed[]) {
  await seed(rows);
  await db().query("TRUNCATE audit_events");
  for (const r of rows) {
    await db().query(
      `UPDATE destinations SET last_attempt_ts = $2, last_outcome = $3, last_error_kind = $4, last_error_message = $5, last_success_ts = $6,
         resolved_address = $7, server_software = $8, server_version = $9 WHERE destination = $1`,
      [
        r.destination,
        str(r.last_attempt_ts),
        r.last_outcome ?? null,
        r.last_error_kind ?? null,
        r.last_error_message ?? null,
        str(r.last_success_ts),
        r.resolved_address ?? null,
        r.server_software ?? null,
        r.server_version ?? null,
      ],
    );
  }
}

/** One recorded attempt; returns its id (decimal text, exact). */
export async function addAttempt(a: {
  destination: string;
  started_ts: bigint | number;
  outcome: string;
  stage: string;
  reason?: string | null;
  message?: string | null;
  trigger?: string;
  duration_ms?: number;
  http_status?: number | null;
  resolved_address?: string | null;
  server_software?: string | null;
  server_version?: string | null;
}): Promise<string> {
  const r = await db().query<{ id: string }>(
    `INSERT INTO attempts (destination, started_ts, duration_ms, trigger, outcome, stage, reason, message, http_status,
       resolved_address, server_software, server_version) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id::text AS id`,
    [
      a.destination,
      str(a.started_ts),
      a.duration_ms ?? 42,
      a.trigger ?? "schedule",
      a.outcome,
      a.stage,
      a.reason ?? null,
      a.message ?? null,
      a.http_status ?? null,
      a.resolved_address ?? null,
      a.server_software ?? null,
      a.server_version ?? null,
    ],
  );
  return r.rows[0].id;
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
