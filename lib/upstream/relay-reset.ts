// A reset in mirror mode: the homeserver keeps its retry timings in memory, so the reset goes
// to its own reset_connection first; only when it answers 200 is our copy cleared (timings,
// a probe requested, the audit row saying it was relayed). Its 400/404 come back to our caller
// unchanged; anything else (unreachable, 5xx, token refused) is a 502 and changes nothing.
import type pg from "pg";
import type { Principal } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { withTransaction } from "../db/transaction";
import { clearBackoffAndWake } from "../destinations/clear-backoff";
import { AppError } from "../errors";
import { codeForMatrixError } from "../http/matrix-errors";
import { UpstreamError, type UpstreamAdmin } from "./types";

export const DATABASE_ONLY_RESET =
  "This console reads the homeserver's database only, and a reset must go through the homeserver " +
  "(it keeps retry timings in memory): set FEDCONSOLE_UPSTREAM_URL and a server-admin token to reset from here.";

/** The relay itself: resolves when the homeserver reset the destination, else throws AppError. */
export async function relayToUpstream(admin: UpstreamAdmin | undefined, destination: string, timeoutMs: number) {
  if (!admin) throw new AppError("conflict", DATABASE_ONLY_RESET);
  try {
    await admin.resetConnection(destination, AbortSignal.timeout(timeoutMs));
  } catch (e) {
    if (!(e instanceof UpstreamError)) throw e;
    // The homeserver's own refusal (unknown destination, nothing to reset): the same answer.
    const code = e.matrix && e.status !== undefined ? codeForMatrixError(e.status, e.matrix.errcode) : undefined;
    if (code && e.status !== undefined && e.status >= 400 && e.status < 500 && e.kind === "http") {
      throw new AppError(code, e.matrix!.error);
    }
    throw new AppError("upstream_failed", `The homeserver did not accept the reset: ${e.message}`);
  }
}

/** After the homeserver's 200: clear our copy, ask for a probe, audit — one transaction. */
export async function recordRelayedReset(pool: pg.Pool, actor: Principal, destination: string): Promise<void> {
  await withTransaction(pool, async (tx) => {
    const r = await tx.query<{ retry_last_ts: string; retry_interval: string; failure_ts: string | null }>(
      "SELECT retry_last_ts, retry_interval, failure_ts FROM destinations WHERE destination = $1 FOR UPDATE",
      [destination],
    );
    const before = r.rows[0] ?? { retry_last_ts: "0", retry_interval: "0", failure_ts: null };
    if (r.rowCount) await clearBackoffAndWake(tx, { destination }, Date.now());
    await recordAudit(tx, actor, { action: "destination.reset", destination, detail: { ...before, relayed: true } });
  });
}
