import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import { AppError } from "../errors";
import { TIMINGS_COLUMNS, toTimings, type TimingsSqlRow } from "./rows";
import type { DestinationTimings } from "./types";

/** PostgreSQL text cannot hold NUL, so no stored destination has one: it is simply unknown. */
export function assertStorableName(destination: string): void {
  if (destination.includes("\0")) throw new AppError("not_found", "Unknown destination");
}

export async function getDestination(
  pool: pg.Pool,
  actor: Principal,
  destination: string,
): Promise<DestinationTimings> {
  requireRole(actor, "viewer", "read destinations");
  assertStorableName(destination);
  const r = await pool.query<TimingsSqlRow>(`SELECT ${TIMINGS_COLUMNS} FROM destinations WHERE destination = $1`, [
    destination,
  ]);
  if (r.rowCount === 0) throw new AppError("not_found", "Unknown destination");
  return toTimings(r.rows[0]);
}

export async function assertDestinationExists(pool: pg.Pool, destination: string): Promise<void> {
  assertStorableName(destination);
  const r = await pool.query("SELECT 1 FROM destinations WHERE destination = $1", [destination]);
  if (r.rowCount === 0) throw new AppError("not_found", "Unknown destination");
}
