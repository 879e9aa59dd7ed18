// A destination's connection attempts, newest first (the scheduler keeps a bounded history).
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import { assertStorableName } from "./get-destination";
import type { AttemptResult } from "../federation/attempt-result";

/** A recorded attempt: what the attempt found, plus when and why it ran (stored as text). */
export type AttemptRow = Omit<AttemptResult, "outcome" | "stage"> & {
  id: bigint;
  startedTs: bigint;
  trigger: string;
  outcome: string;
  stage: string;
};

export const MAX_ATTEMPTS_SHOWN = 200;

export async function listAttempts(
  pool: pg.Pool,
  actor: Principal,
  destination: string,
  opts: { limit?: number } = {},
): Promise<AttemptRow[]> {
  requireRole(actor, "viewer", "view destinations");
  assertStorableName(destination);
  const limit = Math.min(Math.max(1, opts.limit ?? 50), MAX_ATTEMPTS_SHOWN);
  const r = await pool.query<{
    id: string;
    started_ts: string;
    duration_ms: number;
    trigger: string;
    outcome: string;
    stage: string;
    reason: string | null;
    message: string | null;
    http_status: number | null;
    resolved_address: string | null;
    server_software: string | null;
    server_version: string | null;
  }>(
    `SELECT id::text AS id, started_ts::text AS started_ts, duration_ms, trigger, outcome, stage, reason, message, http_status,
            resolved_address, server_software, server_version
     FROM attempts WHERE destination = $1 ORDER BY attempts.id DESC LIMIT $2`,
    [destination, limit],
  );
  return r.rows.map((a) => ({
    id: BigInt(a.id),
    startedTs: BigInt(a.started_ts),
    durationMs: a.duration_ms,
    trigger: a.trigger,
    outcome: a.outcome,
    stage: a.stage,
    reason: a.reason,
    message: a.message,
    httpStatus: a.http_status,
    resolvedAddress: a.resolved_address,
    serverSoftware: a.server_software,
    serverVersion: a.server_version,
  }));
}
