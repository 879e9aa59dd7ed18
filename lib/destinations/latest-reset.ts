// The most recent reset of one destination and the attempt it triggered, so the console can
// show "reset by … at … → in progress → result" after a reset.
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import type { AttemptRow } from "./list-attempts";

export type LatestReset = {
  at: Date;
  actor: string;
  via: string;
  /** The first attempt with trigger "reset" that started at or after the reset, if any yet. */
  attempt: AttemptRow | null;
};

export async function getLatestReset(
  pool: pg.Pool,
  actor: Principal,
  destination: string,
): Promise<LatestReset | null> {
  requireRole(actor, "viewer", "view destinations");
  const r = await pool.query<{ ts: Date; actor: string; via: string }>(
    `SELECT ts, actor, via FROM audit_events WHERE destination = $1 AND action = 'destination.reset' ORDER BY ts DESC, id DESC LIMIT 1`,
    [destination],
  );
  const ev = r.rows[0];
  if (!ev) return null;
  // Attempt timestamps are the scheduler's clock, audit timestamps the database's: allow 1 s of skew.
  const a = await pool.query(
    `SELECT id::text AS id, started_ts::text AS started_ts, duration_ms, trigger, outcome, stage, reason, message, http_status,
            resolved_address, server_software, server_version
     FROM attempts WHERE destination = $1 AND trigger = 'reset' AND started_ts >= $2 ORDER BY id ASC LIMIT 1`,
    [destination, ev.ts.getTime() - 1000],
  );
  const x = a.rows[0];
  return {
    at: ev.ts,
    actor: ev.actor,
    via: ev.via,
    attempt: x
      ? {
          id: BigInt(x.id),
          startedTs: BigInt(x.started_ts),
          durationMs: x.duration_ms,
          trigger: x.trigger,
          outcome: x.outcome,
          stage: x.stage,
          reason: x.reason,
          message: x.message,
          httpStatus: x.http_status,
          resolvedAddress: x.resolved_address,
          serverSoftware: x.server_software,
          serverVersion: x.server_version,
        }
      : null,
  };
}
