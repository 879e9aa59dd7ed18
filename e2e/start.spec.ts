// `npm start`'s own path: no DATABASE_URL, so the server starts the embedded PostgreSQL in
// FEDCONSOLE_DATA_DIR, migrates, creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { test, expect } from "./support/fixtures";
import { fedctl, startServer } from "./support/server";

function freshDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-start-"));
  fs.chmodSync(dir, 0o755);
  return dir;
}

test("start on the embedded database: health, first admin, fedctl alongside, clean stop", async () => {
  const dataDir = freshDataDir();
  const env = {
    DATABASE_URL: "",
    FEDCONSOLE_DATA_DIR: dataDir,
    FEDERATION_SCHEDULER: "off",
    ADMIN_EMAIL: "first@example.org",
    ADMIN_PASSWORD: "first-admin-pw",
  };
  const server = await startServer(env);
  try {
    expect(await (await fetch(server.url + "/health")).json()).toEqual({ status: "ok" });
    expect(server.output()).toContain("Created the first admin first@example.org");
    // fedctl connects to the running embedded server instead of starting another.
    const users = await fedctl(["users", "list"], env);
    expect(users.code).toBe(0);
    expect(users.stdout).toMatch(/^first@example\.org\tadmin\t/m);
    const token = (await fedctl(["tokens", "create", "first@example.org"], env)).stdout.trim();
    const res = await fetch(server.url + "/_synapse/admin/v1/federation/destinations", {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(await res.text()).toBe('{"destinations":[],"total":0}');
    expect(fs.existsSync(path.join(dataDir, "pg", "postmaster.pid"))).toBe(true);
  } finally {
    await server.stop();
  }
  // The server started the embedded PostgreSQL, so it stopped it on SIGTERM.
  expect(fs.existsSync(path.join(dataDir, "pg", "postmaster.pid"))).toBe(false);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("two processes starting at once on a fresh folder share one database and migrate once", async () => {
  const dataDir = freshDataDir();
  const env = { DATABASE_URL: "", FEDCONSOLE_DATA_DIR: dataDir, FEDERATION_SCHEDULER: "off" };
  const [a, b] = await Promise.all([startServer(env), startServer(env)]);
  try {
    for (const s of [a, b]) expect((await fetch(s.url + "/health")).status).toBe(200);
    const both = a.output() + b.output();
    expect(both.match(/Applied migrations/g)?.length).toBe(1);
    expect(both).toContain("No users yet. Create the first admin");
  } finally {
    await Promise.all([b.stop(), a.stop()]);
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("SIGTERM drains: a request in progress still gets its answer from the database, then the process exits 0", async () => {
  const dataDir = freshDataDir();
  const env = {
    DATABASE_URL: "",
    FEDCONSOLE_DATA_DIR: dataDir,
    FEDERATION_SCHEDULER: "off",
    ADMIN_EMAIL: "drain@example.org",
    ADMIN_PASSWORD: "drain-admin-pw",
  };
  const server = await startServer(env);
  try {
    const line = JSON.stringify({
      destination: "backoff.example.org",
      retry_last_ts: Date.now(),
      retry_interval: 600000,
      failure_ts: Date.now(),
    });
    expect((await fedctl(["destinations", "import", "-"], env, line + "\n")).code).toBe(0);
    const token = (await fedctl(["tokens", "create", "drain@example.org"], env)).stdout.trim();
    // A reset whose body arrives in two parts, with SIGTERM in between.
    const status = new Promise<{ code: number; body: string }>((resolve, reject) => {
      const req = http.request(
        `${server.url}/_synapse/admin/v1/federation/destinations/backoff.example.org/reset_connection`,
        {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Content-Length": "2" },
        },
        (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ code: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.write("{");
      setTimeout(() => {
        server.proc.kill("SIGTERM");
        setTimeout(() => req.end("}"), 1_000);
      }, 300);
    });
    const exited = new Promise<number | null>((r) => server.proc.once("exit", (code) => r(code)));
    expect(await status).toEqual({ code: 200, body: "{}" });
    expect(await exited).toBe(0);
    expect(server.output()).toContain("SIGTERM: shutting down");
    expect(server.output()).toContain("[fedconsole] stopped");
  } finally {
    await server.stop();
  }
  expect(fs.existsSync(path.join(dataDir, "pg", "postmaster.pid"))).toBe(false);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("a bad value of any setting stops npm start at once, naming every bad variable (nothing started)", async () => {
  const { SETTINGS } = await import("../lib/settings/spec");
  const env: Record<string, string> = {};
  for (const [name, s] of Object.entries(SETTINGS)) if (s.invalid.length) env[name] = s.invalid[0];
  const dataDir = freshDataDir();
  const started = Date.now();
  await expect(startServer({ ...env, FEDCONSOLE_DATA_DIR: dataDir }, 30_000)).rejects.toThrow(
    /server exited with 1:[\s\S]*failed to start: invalid settings/,
  );
  const out = await startServer({ ...env, FEDCONSOLE_DATA_DIR: dataDir }, 30_000).catch((e: Error) => e.message);
  for (const name of Object.keys(env)) expect(out, name).toMatch(new RegExp(`\\b${name}\\b`));
  expect(Date.now() - started).toBeLessThan(20_000);
  expect(fs.readdirSync(dataDir), "no database was created").toEqual([]);
  fs.rmSync(dataDir, { recursive: true, force: true });
});
