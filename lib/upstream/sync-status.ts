// What is known about the mirror, for whoever asks: the console header and banner, the sync
// page, /health, fedctl upstream status, GET /_fedconsole/v1/upstream. Reads only.
import type { Queryable } from "../db/transaction";
import type { MirrorContext } from "./mirror";
import { listPasses, type PassRow, readState } from "./sync-state";

export type PassProgress = PassRow & {
  /** Rows per second so far, and the time left at that rate (null when unknown). */
  rate: number | null;
  etaMs: number | null;
};

export type SyncStatus =
  | { mode: "standalone" }
  | {
      mode: "mirror";
      kind: "api" | "database";
      label: string;
      /** Resets are relayed to the admin API; false with a database source only. */
      canReset: boolean;
      /** The newest moment the mirror was known to match the homeserver (a pass that ended well). */
      lastSyncOkAt: number | null;
      lastFullOkAt: number | null;
      lagMs: number | null;
      /** The homeserver does not answer (or refuses us) since this time. */
      failingSince: number | null;
      lastError: string | null;
      running: PassProgress | null;
      recent: PassProgress[];
    };

export function withProgress(p: PassRow, nowMs: number): PassProgress {
  const elapsed = (p.finishedAt ?? p.progressAt) - p.startedAt;
  const rate = elapsed > 0 && p.rowsSeen > 0 ? (p.rowsSeen * 1000) / elapsed : null;
  const left = p.upstreamTotal !== null ? Number(p.upstreamTotal) - p.rowsSeen : null;
  const etaMs = p.status === "running" && rate && left !== null && left >= 0 ? (left / rate) * 1000 : null;
  void nowMs;
  return { ...p, rate, etaMs };
}

export async function getSyncStatus(
  db: Queryable,
  mirror: MirrorContext | undefined,
  opts: { passes?: number; nowMs?: number } = {},
): Promise<SyncStatus> {
  if (!mirror) return { mode: "standalone" };
  const now = opts.nowMs ?? Date.now();
  const [state, passes] = await Promise.all([readState(db), listPasses(db, { limit: opts.passes ?? 10 })]);
  const okTimes = [state?.lastFullOkAt ?? null, state?.lastRecentOkAt ?? null].filter((x): x is number => x !== null);
  const lastSyncOkAt = okTimes.length ? Math.max(...okTimes) : null;
  const running = passes.find((p) => p.status === "running") ?? null;
  return {
    mode: "mirror",
    kind: mirror.kind,
    label: mirror.label,
    canReset: mirror.admin !== undefined,
    lastSyncOkAt,
    lastFullOkAt: state?.lastFullOkAt ?? null,
    lagMs: lastSyncOkAt === null ? null : Math.max(0, now - lastSyncOkAt),
    failingSince: state?.failingSince ?? null,
    lastError: state?.failingSince ? (state.lastError ?? null) : null,
    running: running ? withProgress(running, now) : null,
    recent: passes.map((p) => withProgress(p, now)),
  };
}

const passJson = (p: PassProgress) => ({
  id: p.id,
  kind: p.kind,
  source: p.source,
  status: p.status,
  started_ts: p.startedAt,
  finished_ts: p.finishedAt,
  upstream_total: p.upstreamTotal,
  rows_seen: p.rowsSeen,
  rows_added: p.rowsAdded,
  rows_changed: p.rowsChanged,
  rows_removed: p.rowsRemoved,
  rooms_written: p.roomsWritten,
  requests: p.requests,
  errors: p.errors,
  notes: p.notes,
  error: p.error,
  rows_per_second: p.rate === null ? null : Math.round(p.rate),
  eta_ms: p.etaMs === null ? null : Math.round(p.etaMs),
});

/** GET /_fedconsole/v1/upstream: the status in our API's snake_case JSON. */
export function syncStatusJson(s: SyncStatus) {
  if (s.mode === "standalone") return { mode: "standalone" };
  return {
    mode: "mirror",
    source: s.kind,
    upstream: s.label,
    can_reset: s.canReset,
    last_sync_ok_ts: s.lastSyncOkAt,
    last_full_ok_ts: s.lastFullOkAt,
    lag_ms: s.lagMs,
    failing_since_ts: s.failingSince,
    last_error: s.lastError,
    running: s.running ? passJson(s.running) : null,
    passes: s.recent.map(passJson),
  };
}
