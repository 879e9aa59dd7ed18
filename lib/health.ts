import { getDb } from "./db";
import { type ApiAnswer, jsonAnswer } from "./http/respond";
import { mirrorContext } from "./upstream/mirror";
import { getSyncStatus } from "./upstream/sync-status";

/**
 * GET /health: 200 when this process and its database answer, 503 otherwise. In mirror mode
 * it also reports the sync's lag — without failing for it: a homeserver that does not answer
 * is shown in the console, it is not this process being unhealthy.
 */
export async function healthAnswer(): Promise<ApiAnswer> {
  try {
    const { pool } = await getDb();
    await pool.query("SELECT 1");
    const mirror = mirrorContext();
    if (!mirror) return jsonAnswer(200, { status: "ok" });
    const s = await getSyncStatus(pool, mirror, { passes: 1 });
    if (s.mode !== "mirror") return jsonAnswer(200, { status: "ok" });
    return jsonAnswer(200, {
      status: "ok",
      upstream: {
        mode: "mirror",
        source: s.kind,
        last_sync_ok_ts: s.lastSyncOkAt,
        lag_ms: s.lagMs,
        failing: s.failingSince !== null,
        failing_since_ts: s.failingSince,
      },
    });
  } catch {
    return jsonAnswer(503, { status: "unavailable", error: "The database does not answer." });
  }
}
