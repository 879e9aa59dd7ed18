// Forget a destination (admin): the row goes, and with it its rooms and attempt history (the
// foreign keys cascade). Asked for in synapse#11807 and ketesa#495: servers that are gone for
// good otherwise stay in the list, failing, forever. Guarded: only a dead destination (failing
// longer than FEDCONSOLE_DEAD_AFTER) unless forced, and the audit event keeps the row as it was.
// A scheduler attempt in flight finds the row gone and records nothing (record-attempt.ts).
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import type { ForgottenDestination } from "../audit/audit-actions";
import { recordAudit } from "../audit/record-audit";
import { type Tx, withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import { formatDuration } from "./humanize";
import { assertStorableName } from "./get-destination";
import { MIRROR_OWNS_LIST } from "./add-destinations";
import { type MirrorContext, mirrorContext } from "../upstream/mirror";
import { settings } from "../settings/settings";

export type ForgetOptions = {
  /** Forget even if it is not dead (e.g. a name added by mistake). */
  force?: boolean;
  nowMs?: number;
  deadAfterMs?: number;
  mirror?: MirrorContext;
};

/** SQL: the destination is dead at $now (ms) with dead-after $after (ms): failing since before now − after. */
export const DEAD_SQL = (now: string, after: string) =>
  `(retry_last_ts > 0 AND failure_ts IS NOT NULL AND failure_ts <= ${now}::bigint - ${after}::bigint)`;

const SNAPSHOT_SQL = `SELECT destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering,
    last_attempt_ts, last_outcome, last_error_kind, last_error_message, last_success_ts, resolved_address,
    server_software, server_version, rooms_count,
    (SELECT count(*)::int FROM attempts a WHERE a.destination = d.destination) AS attempts
  FROM destinations d`;

/** The rows `where` selects, locked, as the audit keeps them. */
export async function lockSnapshots(tx: Tx, where: string, args: unknown[]): Promise<ForgottenDestination[]> {
  return (await tx.query<ForgottenDestination>(`${SNAPSHOT_SQL} ${where} ORDER BY destination FOR UPDATE`, args)).rows;
}

export function refuseInMirrorMode(mirror: MirrorContext | undefined): void {
  if (mirror) throw new AppError("bad_request", MIRROR_OWNS_LIST);
}

export async function forgetDestination(
  pool: pg.Pool,
  actor: Principal,
  destination: string,
  opts: ForgetOptions = {},
): Promise<void> {
  requireRole(actor, "admin", "forget destinations");
  refuseInMirrorMode("mirror" in opts ? opts.mirror : mirrorContext());
  assertStorableName(destination);
  const now = opts.nowMs ?? Date.now();
  const after = opts.deadAfterMs ?? settings().deadAfterMs;
  await withTransaction(pool, async (tx) => {
    const [row] = await lockSnapshots(tx, "WHERE destination = $1", [destination]);
    if (!row) throw new AppError("not_found", "Unknown destination");
    if (!opts.force && !isDead(row, now, after)) throw new AppError("conflict", notDeadMessage(row, now, after));
    await tx.query("DELETE FROM destinations WHERE destination = $1", [destination]);
    await recordAudit(tx, actor, {
      action: "destination.forget",
      destination,
      detail: { snapshot: row, ...(opts.force ? { forced: true as const } : {}) },
    });
  });
}

/** Dead: backing off, in a failure episode that started at least `afterMs` before `nowMs` (as DEAD_SQL). */
export function isDeadTimings(t: { retryLastTs: bigint; failureTs: bigint | null }, nowMs: number, afterMs: number) {
  return t.retryLastTs > 0n && t.failureTs !== null && t.failureTs <= BigInt(nowMs - afterMs);
}

function isDead(row: Pick<ForgottenDestination, "retry_last_ts" | "failure_ts">, now: number, after: number) {
  const failureTs = row.failure_ts === null ? null : BigInt(row.failure_ts);
  return isDeadTimings({ retryLastTs: BigInt(row.retry_last_ts), failureTs }, now, after);
}

function notDeadMessage(row: ForgottenDestination, now: number, after: number): string {
  const limit = formatDuration(after);
  if (row.retry_last_ts === "0" || row.failure_ts === null)
    return `${row.destination} is not dead: it is not failing (only destinations failing longer than ${limit} can be forgotten without forcing it).`;
  const failing = formatDuration(Math.max(0, now - Number(row.failure_ts)));
  return `${row.destination} is not dead yet: it has been failing for ${failing}, not longer than ${limit} (FEDCONSOLE_DEAD_AFTER).`;
}
