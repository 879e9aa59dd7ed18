// Runs the embedded cluster's postmaster: spawned in its own process group (a Ctrl-C meant for
// the server does not reach it; the server stops it last, after draining), ready when
// PostgreSQL's own postmaster.pid says so, stopped with a fast shutdown.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Binaries } from "./binaries";
import type { RunAs } from "./postgres-user";

export type PostmasterOptions = { bins: Binaries; dataDir: string; pgDir: string; port: number; runAs: RunAs };

export type Postmaster = {
  pid: number;
  /** Resolves when the process has exited, however. */
  exited: Promise<void>;
  /** Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL; resolves once it is gone. */
  stop(): Promise<void>;
};

type PidFile = { pid: number; port: number; status: string };

/** postmaster.pid: line 1 the pid, line 4 the port, line 8 the status ("ready" once it accepts connections). */
export function readPidFile(pgDir: string): PidFile | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(pgDir, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port) return undefined;
  return { pid, port, status: (lines[7] ?? "").trim() };
}

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Port of a live, ready postmaster on pgDir, if there is one. */
export function runningPort(pgDir: string): number | undefined {
  const f = readPidFile(pgDir);
  return f && f.status === "ready" && isAlive(f.pid) ? f.port : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startPostmaster(o: PostmasterOptions, timeoutMs = 60_000): Promise<Postmaster> {
  const child = spawn(
    o.bins.bin("postgres"),
    // Loopback only, no Unix socket (a system PostgreSQL may own the default socket folder).
    ["-D", o.pgDir, "-p", String(o.port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    { cwd: o.dataDir, uid: o.runAs?.uid, gid: o.runAs?.gid, detached: true, stdio: ["ignore", "ignore", "pipe"] },
  );
  // Its log is read (and kept short) so that the pipe never fills and blocks it.
  let log = "";
  child.stderr!.on("data", (d) => {
    log = (log + d).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  child.once("error", () => {});
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gone || child.pid === undefined) {
      throw new Error(`PostgreSQL did not start: ${log.trim().split("\n").slice(-3).join(" / ") || "it exited"}`);
    }
    const f = readPidFile(o.pgDir);
    if (f && f.pid === child.pid && f.status === "ready") break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`PostgreSQL did not become ready within ${timeoutMs / 1000} s`);
    }
    await sleep(50);
  }
  const pid = child.pid;
  return {
    pid,
    exited,
    async stop() {
      const steps: [NodeJS.Signals, number][] = [
        ["SIGINT", 10_000],
        ["SIGQUIT", 5_000],
        ["SIGKILL", 5_000],
      ];
      for (const [signal, ms] of steps) {
        if (gone) return;
        try {
          process.kill(pid, signal);
        } catch {
          return;
        }
        await Promise.race([exited, sleep(ms)]);
      }
    },
  };
}
