// The server's and the scheduler's output going into a pipe whose reader goes away (a
// supervisor restarted, `| tee` interrupted): later log lines are dropped, the process stays
// idle and keeps serving, and SIGTERM still stops it in time.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test, expect } from "@playwright/test";
import { createTestDatabase, type TestDatabase } from "../../lib/testing/test-database";
import { cpuOver } from "../support/proc-stats";
import { ROOT, freePort, programArgs } from "../support/server";

let db: TestDatabase;
let dir: string;
const children: ChildProcess[] = [];

test.beforeAll(async () => {
  db = await createTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-pipe-"));
});

test.afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** `cat` reading a pipe into a file: the reader the test kills. */
function pipeReader(name: string): ChildProcess {
  const out = fs.openSync(path.join(dir, `${name}.log`), "w");
  const cat = spawn("cat", [], { stdio: ["pipe", out, "ignore"] });
  fs.closeSync(out);
  children.push(cat);
  return cat;
}

/** Runs `program` (as npm does) with stdout and stderr both going into the reader's pipe. */
function runInto(reader: ChildProcess, program: "start" | "scheduler", env: Record<string, string>): ChildProcess {
  const p = spawn(process.execPath, programArgs(program), {
    cwd: ROOT,
    env: { ...process.env, FEDCONSOLE_BUILD: "never", DATABASE_URL: db.url, FEDCONSOLE_DATA_DIR: dir, ...env },
    stdio: ["ignore", reader.stdin!, reader.stdin!],
  });
  children.push(p);
  return p;
}

const exited = (p: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve(p.exitCode);
    p.once("exit", (code) => resolve(code));
  });

async function waitUntil(what: string, fn: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM; resolves with the exit code and how long it took (SIGKILL after `ms`: code null). */
async function terminate(p: ChildProcess, ms: number): Promise<{ code: number | null; tookMs: number }> {
  const started = Date.now();
  const done = exited(p);
  p.kill("SIGTERM");
  const t = setTimeout(() => p.kill("SIGKILL"), ms);
  const code = await done;
  clearTimeout(t);
  return { code, tookMs: Date.now() - started };
}

test("server: a closed log pipe leaves it idle and serving, and SIGTERM stops it in time", async () => {
  test.setTimeout(120_000);
  const reader = pipeReader("server");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = runInto(reader, "start", {
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    FEDERATION_SCHEDULER: "off",
  });
  await waitUntil("the server to answer", () =>
    fetch(url + "/health").then(
      (r) => r.ok,
      () => false,
    ),
  );
  reader.kill("SIGKILL");
  await exited(reader);

  // Requests that make Next log (an unknown server action) now write into the dead pipe.
  const statuses: (number | string)[] = [];
  for (let i = 0; i < 5; i++) {
    const r = fetch(url + "/login", {
      method: "POST",
      headers: { "Next-Action": "x" },
      body: "[]",
      signal: AbortSignal.timeout(5_000),
    });
    statuses.push(
      await r.then(
        (x) => x.status,
        (e: Error) => e.message,
      ),
    );
  }
  const cpu = await cpuOver(server.pid!, 3_000);
  console.log(`server CPU over 3 s with its log pipe closed: ${cpu.toFixed(2)} s`);
  expect(cpu).toBeLessThan(0.5); // idle; a write loop burns the full 3 s
  expect(statuses).toEqual([400, 400, 400, 400, 400]);
  expect((await fetch(url + "/health")).status).toBe(200);

  // SIGTERM logs a line (into the dead pipe) and must still stop the server within its
  // drain time (8 s, nothing in flight here: at once).
  const { code, tookMs } = await terminate(server, 15_000);
  console.log(`server stopped ${tookMs} ms after SIGTERM (code ${code})`);
  expect(code).toBe(0);
  expect(tookMs).toBeLessThan(10_000);
});

test("scheduler: a closed log pipe does not crash or spin it, and SIGTERM stops it cleanly", async () => {
  test.setTimeout(60_000);
  const reader = pipeReader("scheduler");
  const scheduler = runInto(reader, "scheduler", { FEDERATION_POLL_INTERVAL: "200" });
  await waitUntil("the scheduler to start", () =>
    fs.readFileSync(path.join(dir, "scheduler.log"), "utf8").includes("retry scheduler started"),
  );
  reader.kill("SIGKILL");
  await exited(reader);
  const cpu = await cpuOver(scheduler.pid!, 2_000);
  console.log(`scheduler CPU over 2 s with its log pipe closed: ${cpu.toFixed(2)} s`);
  expect(cpu).toBeLessThan(0.5);
  // Its shutdown logs; that must neither crash it (exit code 1) nor hang it.
  const { code, tookMs } = await terminate(scheduler, 15_000);
  console.log(`scheduler stopped ${tookMs} ms after SIGTERM (code ${code})`);
  expect(code).toBe(0);
  expect(tookMs).toBeLessThan(9_000);
});
