// One destination with everything the console's detail page and GET /_fedconsole/v1/destinations/<name>
// show (Synapse's fields, the scheduler's record of the last attempt, rooms count, status).
import type pg from "pg";
import { AppError } from "../errors";
import { type Principal, requireRole } from "../auth/principal";
import { assertStorableName } from "./get-destination";
import { CONSOLE_COLUMNS, toConsoleDestination, type ConsoleDestination, type ConsoleSqlRow } from "./console-rows";

export type DestinationDetail = ConsoleDestination & {
  /** The HTTP status of the newest recorded attempt (the one last_attempt_ts records), if it got one. */
  lastHttpStatus: number | null;
};

export async function getDestinationDetail(
  pool: pg.Pool,
  actor: Principal,
  destination: string,
  nowMs: bigint = BigInt(Date.now()),
): Promise<DestinationDetail> {
  requireRole(actor, "viewer", "view destinations");
  assertStorableName(destination);
  // The newest attempt in the same statement (one snapshot): record-attempt.ts writes it in the
  // transaction that sets last_attempt_ts, so the two always describe the same attempt.
  const r = await pool.query<ConsoleSqlRow & { last_http_status: number | null }>(
    `SELECT ${CONSOLE_COLUMNS},
       (SELECT a.http_status FROM attempts a WHERE a.destination = destinations.destination
        ORDER BY a.id DESC LIMIT 1) AS last_http_status
     FROM destinations WHERE destination = $1`,
    [destination],
  );
  if (r.rowCount === 0) throw new AppError("not_found", "Unknown destination");
  return { ...toConsoleDestination(r.rows[0], nowMs), lastHttpStatus: r.rows[0].last_http_status };
}
