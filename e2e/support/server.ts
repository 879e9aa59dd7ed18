// Starts the real server (`npm start`: scripts/launch.mjs start) as a child process and waits for
// /health; fedctl and the scheduler are run the same way (the bundles of scripts/launch.mjs, made
// once by the run's global set-up).
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** `node` arguments that run one of the programs as npm does (scripts/launch.mjs). */
export const programArgs = (program: "start" | "scheduler" | "fedctl" | "bench-floor", ...args: string[]) => [
  path.join(ROOT, "scripts", "launch.mjs"),
  program,
  ...args,
];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** SIGTERM, then SIGKILL after 10 s; resolves when the process is gone. */
export function stopProcess(proc: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    const t = setTimeout(() => proc.kill("SIGKILL"), 10_000);
    proc.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
    proc.kill("SIGTERM");
  });
}

export type RunningServer = {
  url: string;
  port: number;
  proc: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
};

/** Thrown when the server could not listen: the free port found was taken before it bound it. */
class PortTaken extends Error {}

export async function startServer(env: Record<string, string>, timeoutMs = 120_000): Promise<RunningServer> {
  // freePort() frees the port before the server binds it, so a process started in parallel may
  // take it first: try again on another one (a given PORT is a restart on the same address).
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(env, env.PORT ? Number(env.PORT) : await freePort(), timeoutMs);
    } catch (e) {
      if (!(e instanceof PortTaken) || env.PORT || attempt >= 5) throw e;
    }
  }
}

async function startOnce(env: Record<string, string>, port: number, timeoutMs: number): Promise<RunningServer> {
  let out = "";
  const proc = spawn(process.execPath, programArgs("start"), {
    cwd: ROOT,
    // The run's global set-up built once; servers started by tests use that build as it is.
    env: { ...process.env, PORT: String(port), HOSTNAME: "127.0.0.1", FEDCONSOLE_BUILD: "never", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) {
      if (out.includes("EADDRINUSE")) throw new PortTaken(`port ${port} was taken:\n${out}`);
      throw new Error(`server exited with ${proc.exitCode}:\n${out}`);
    }
    try {
      const r = await fetch(url + "/health");
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`server did not become healthy:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = () => stopProcess(proc);
  return { url, port, proc, output: () => out, stop };
}

/**
 * A member made by fedctl (`users add … --token NAME`: the member and an API token in one
 * process); resolves with the token. Throws with fedctl's message when the command fails. The
 * password defaults to `<role>-password-1`; the token is named "e2e" unless `tokenName` says
 * otherwise.
 */
export async function memberWithToken(
  env: Record<string, string>,
  m: { email: string; role: string; password?: string; tokenName?: string },
): Promise<string> {
  const add = await fedctl(
    [
      "users",
      "add",
      m.email,
      "--role",
      m.role,
      "--password",
      m.password ?? `${m.role}-password-1`,
      "--token",
      m.tokenName ?? "e2e",
    ],
    env,
  );
  const token = /^Token: (\S+)$/m.exec(add.stdout)?.[1];
  if (add.code !== 0 || !token) throw new Error(`fedctl users add ${m.email} --token failed: ${add.stderr}`);
  return token;
}

/** Runs fedctl against the given environment; resolves with stdout, rejects on non-zero exit. */
export function fedctl(
  args: string[],
  env: Record<string, string>,
  stdin?: string,
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, programArgs("fedctl", ...args), {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.stdin.end(stdin ?? "");
    // "close", not "exit": the output may still be in the pipes when the process has exited.
    p.on("close", (code) => resolve({ stdout, stderr, code: code ?? -1 }));
  });
}

export type RunningProcess = { proc: ChildProcess; output: () => string; stop: () => Promise<void> };

/** Starts `npm run scheduler` (scripts/scheduler.ts) and waits until it says it started. */
export async function startSchedulerProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<RunningProcess> {
  let out = "";
  const proc = spawn(process.execPath, programArgs("scheduler"), {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const deadline = Date.now() + timeoutMs;
  while (!out.includes("retry scheduler started")) {
    if (proc.exitCode !== null) throw new Error(`scheduler exited with ${proc.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`scheduler did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = () => stopProcess(proc);
  return { proc, output: () => out, stop };
}
