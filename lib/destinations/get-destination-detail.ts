// One destination with everything the console's detail page shows (Synapse's fields, the
// scheduler's record of the last attempt, rooms count, status).
import type pg from "pg";
import { AppError } from "../errors";
import { type Principal, requireRole } from "../auth/principal";
import { assertStorableName } from "./get-destination";
import { CONSOLE_COLUMNS, toConsoleDestination, type ConsoleDestination, type ConsoleSqlRow } from "./console-rows";

export async function getDestinationDetail(
  pool: pg.Pool,
  actor: Principal,
  destination: string,
  nowMs: bigint = BigInt(Date.now()),
): Promise<ConsoleDestination> {
  requireRole(actor, "viewer", "view destinations");
  assertStorableName(destination);
  const r = await pool.query<ConsoleSqlRow>(`SELECT ${CONSOLE_COLUMNS} FROM destinations WHERE destination = $1`, [
    destination,
  ]);
  if (r.rowCount === 0) throw new AppError("not_found", "Unknown destination");
  return toConsoleDestination(r.rows[0], nowMs);
}
