// Runs takeSnapshot (and trimOrderLog) every interval in a scheduler process. Every scheduler
// runs one; the snapshot's own lock and age check make one point per interval across all of
// them, and if the process that wrote the last point dies, the next one's timer takes over.
import type pg from "pg";
import { isDatabaseDown } from "../db/errors";
import { takeSnapshot, type SnapshotOptions } from "./take-snapshot";
import { trimOrderLog } from "../destinations/order-marks";

export type SnapshotterOptions = Omit<SnapshotOptions, "nowMs"> & {
  pool: pg.Pool;
  log?: (m: string) => void;
  now?: () => number;
};

export function startSnapshotter(o: SnapshotterOptions): { stop: () => Promise<void> } {
  const log = o.log ?? (() => {});
  const now = o.now ?? Date.now;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let failing = false;

  const tick = async () => {
    try {
      await takeSnapshot(o.pool, { ...o, nowMs: now() });
      // The same timer bounds the list's order log when no reader refreshes it (order-marks.ts).
      await trimOrderLog(o.pool);
      if (failing) log("history snapshot: recording again");
      failing = false;
    } catch (e) {
      // Logged once per outage; the next tick tries again.
      if (!failing) log(`history snapshot failed (${isDatabaseDown(e) ? "database down" : (e as Error).message})`);
      failing = true;
    }
  };
  const loop = () => {
    if (stopped) return;
    running = tick().finally(() => {
      if (!stopped) timer = setTimeout(loop, o.intervalMs);
    });
  };
  loop();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
