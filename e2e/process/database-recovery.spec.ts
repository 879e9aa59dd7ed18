// The database going away under load, with real processes: the embedded PostgreSQL's
// postmaster killed with SIGKILL (the server starts it again on its data folder), and a
// test-owned external PostgreSQL restarted (the pools reconnect, LISTEN is re-established).
// Meanwhile the API answers 503 JSON, never a 500; afterwards every acknowledged reset is there.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { test, expect } from "@playwright/test";
import { readPidFile } from "../../lib/db/embedded/postmaster";
import { applyMigrations } from "../../lib/db/migrate";
import { type OwnPostgres, startOwnPostgres } from "../support/own-postgres";
import { memberWithToken, startServer, type RunningServer } from "../support/server";

const FED = "/_synapse/admin/v1/federation/destinations";
const UNAVAILABLE = { errcode: "M_UNKNOWN", error: "The database is unavailable; try again shortly." };
const N = 400;
const cleanup: (() => Promise<void> | void)[] = [];

test.afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const names = Array.from({ length: N }, (_, i) => `r${String(i).padStart(4, "0")}.example.org`);

async function seed(pool: pg.Pool) {
  await pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts) SELECT unnest($1::text[]), 1700000000000, 600000, 1690000000000",
    [names],
  );
}

type Load = { acknowledged: Set<string>; statuses: Map<string, number>; stop: () => Promise<void> };

/** Resets every destination once, two at a time, with list reads in between; records what was answered. */
function load(server: RunningServer, token: string): Load {
  const acknowledged = new Set<string>();
  const statuses = new Map<string, number>();
  const count = (k: string) => statuses.set(k, (statuses.get(k) ?? 0) + 1);
  let stopped = false;
  let next = 0;
  const note = async (r: Response) => {
    const text = await r.text();
    if (r.status === 503) expect(JSON.parse(text)).toEqual(UNAVAILABLE);
    count(String(r.status));
    return text;
  };
  const worker = async () => {
    while (!stopped && next < names.length) {
      const d = names[next++];
      try {
        const r = await fetch(`${server.url}${FED}/${d}/reset_connection`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}` },
        });
        const text = await note(r);
        if (r.status === 200 && text === "{}") acknowledged.add(d);
        await note(await fetch(`${server.url}${FED}?limit=5`, { headers: { Authorization: `Bearer ${token}` } }));
      } catch {
        count("network error");
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const workers = [worker(), worker()];
  return {
    acknowledged,
    statuses,
    stop: async () => {
      stopped = true;
      await Promise.all(workers);
    },
  };
}

/** Waits until the API answers 200 again; resolves with the time it took from `since`. */
async function answersAgain(server: RunningServer, token: string, since: number, limitMs = 30_000): Promise<number> {
  for (;;) {
    const r = await fetch(`${server.url}${FED}?limit=1`, { headers: { Authorization: `Bearer ${token}` } }).catch(
      () => undefined,
    );
    if (r?.status === 200) return Date.now() - since;
    if (Date.now() - since > limitMs) throw new Error(`the API did not answer 200 within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until a postmaster other than `before` has written its pid file and is ready. */
async function newPostmaster(pgDir: string, before: number, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const f = readPidFile(pgDir);
    if (f && f.pid !== before && f.status === "ready") return;
    if (Date.now() > deadline) throw new Error(`no new postmaster was ready within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function keptResets(pool: pg.Pool, acknowledged: Set<string>): Promise<string[]> {
  const r = await pool.query<{ destination: string }>(
    "SELECT destination FROM destinations WHERE destination = ANY($1) AND retry_last_ts <> 0",
    [[...acknowledged]],
  );
  const audited = await pool.query<{ n: number }>(
    "SELECT count(DISTINCT destination)::int AS n FROM audit_events WHERE action = 'destination.reset' AND destination = ANY($1)",
    [[...acknowledged]],
  );
  expect(audited.rows[0].n).toBe(acknowledged.size);
  return r.rows.map((x) => x.destination); // acknowledged resets that were lost
}

test("embedded: the postmaster killed with SIGKILL under load is started again; 503 JSON meanwhile; resets kept", async () => {
  test.setTimeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-recover-"));
  fs.chmodSync(dataDir, 0o755);
  cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const env = {
    DATABASE_URL: "",
    FEDCONSOLE_DATA_DIR: dataDir,
    FEDERATION_SCHEDULER: "off",
    DATABASE_CONNECT_TIMEOUT: "2s",
  };
  const server = await startServer(env);
  cleanup.push(() => server.stop());
  const token = await memberWithToken(env, { email: "ops@example.org", role: "operator", password: "ops-password-1" });
  const pgDir = path.join(dataDir, "pg");
  const { password } = JSON.parse(fs.readFileSync(path.join(dataDir, "pg-credentials.json"), "utf8"));
  const url = () => `postgresql://postgres:${password}@127.0.0.1:${readPidFile(pgDir)!.port}/fedconsole`;
  const pool = new pg.Pool({ connectionString: url(), max: 2 });
  pool.on("error", () => {});
  cleanup.push(() => pool.end());
  await seed(pool);

  const l = load(server, token);
  await new Promise((r) => setTimeout(r, 1_500));
  const before = readPidFile(pgDir)!.pid;
  process.kill(before, "SIGKILL");
  const killedAt = Date.now();
  // The old backends may still answer on their connections for a moment after the postmaster
  // died: recovery is counted from a new postmaster being ready, then the API answering.
  await newPostmaster(pgDir, before, 30_000);
  const recovered = await answersAgain(server, token, killedAt);
  await new Promise((r) => setTimeout(r, 1_000));
  await l.stop();
  console.log(
    `embedded: API answering again ${recovered} ms after SIGKILL of the postmaster; answers ${JSON.stringify(Object.fromEntries(l.statuses))}; ${l.acknowledged.size} resets acknowledged`,
  );
  expect(recovered).toBeLessThan(30_000);
  expect(readPidFile(pgDir)!.pid).not.toBe(before);
  // The line follows the new postmaster's readiness; the supervisor may log it a moment later.
  await expect.poll(() => server.output(), { timeout: 10_000 }).toContain("embedded PostgreSQL restarted");
  expect(
    [...l.statuses.keys()].filter((s) => s !== "200" && s !== "503"),
    `only 200 and 503; the server said:\n${server.output().slice(-4000)}`,
  ).toEqual([]);
  expect(l.statuses.get("503") ?? 0).toBeGreaterThan(0); // the outage was seen, as 503 JSON
  expect(l.acknowledged.size).toBeGreaterThan(10);
  expect(await keptResets(pool, l.acknowledged)).toEqual([]);
});

test("external: a restart of the PostgreSQL server under load is recovered: pools reconnect, LISTEN again, resets kept", async () => {
  test.setTimeout(120_000);
  const own: OwnPostgres = await startOwnPostgres();
  cleanup.push(() => own.close());
  const pool = new pg.Pool({ connectionString: own.url, max: 2 });
  pool.on("error", () => {});
  cleanup.push(() => pool.end());
  await applyMigrations(pool);
  await seed(pool);
  const env = {
    DATABASE_URL: own.url,
    FEDERATION_SCHEDULER: "on",
    DATABASE_CONNECT_TIMEOUT: "2s",
    FEDERATION_POLL_INTERVAL: "200",
  };
  const server = await startServer(env);
  cleanup.push(() => server.stop());
  const token = await memberWithToken(env, { email: "ops@example.org", role: "operator", password: "ops-password-1" });
  const listening = async () =>
    (await pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN fedconsole_wake%'"))
      .rows[0].n;
  expect(await listening()).toBe(1);

  const l = load(server, token);
  await new Promise((r) => setTimeout(r, 1_500));
  const restartAt = Date.now();
  await own.restart();
  const back = Date.now();
  const recovered = await answersAgain(server, token, back);
  await new Promise((r) => setTimeout(r, 1_000));
  await l.stop();
  console.log(
    `external: restart took ${back - restartAt} ms; API answering again ${recovered} ms after it; answers ${JSON.stringify(Object.fromEntries(l.statuses))}; ${l.acknowledged.size} resets acknowledged`,
  );
  expect(recovered).toBeLessThan(30_000);
  expect([...l.statuses.keys()].filter((s) => s !== "200" && s !== "503")).toEqual([]);
  expect(await keptResets(pool, l.acknowledged)).toEqual([]);
  // The scheduler's LISTEN connection is back (it retries every 250 ms).
  const deadline = Date.now() + 10_000;
  while ((await listening()) !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(await listening()).toBe(1);
});
