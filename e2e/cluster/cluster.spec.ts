// Scale-out and faults: two web instances (scheduler off) and two `npm run scheduler`
// processes on one PostgreSQL, reached through a TCP proxy that the test cuts to simulate an
// outage; one scheduler and then one web instance (with resets in flight) are killed -9.
// Nothing acknowledged is lost, nothing is attempted twice per due time, and the only 5xx is
// the documented 503 during the outage.
import { test, expect } from "@playwright/test";
import { startFakeFleet, VERSION_PATH, type FakeFleet } from "../../lib/federation/testing/fake-fleet";
import { createTestDatabase, type TestDatabase } from "../../lib/testing/test-database";
import { fedctl, startSchedulerProcess, startServer, type RunningProcess, type RunningServer } from "../support/server";
import { schedulerEnv, waitFor } from "../support/scheduler-env";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy";

const DUE = 600;
const RESETS = 40;
const OUTAGE_MS = 3_000;
const BURST = 20; // resets sent at once to a web instance that is killed -9 meanwhile

let fleet: FakeFleet | undefined;
let db: TestDatabase | undefined;
let proxy: TcpProxy | undefined;
const procs: { stop: () => Promise<void> }[] = [];

test.afterAll(async () => {
  proxy?.restore();
  await Promise.all(procs.map((p) => p.stop()));
  await proxy?.close();
  await fleet?.close();
  await db?.close();
});

type Call = { at: number; status: number; body: string; kind: string; destination?: string };

test("2 web + 2 schedulers: kill -9 of a scheduler, of a web instance and a database outage lose nothing", async () => {
  test.setTimeout(300_000);
  fleet = await startFakeFleet([
    ...Array.from({ length: DUE }, (_, i) => ({ name: `due${i}`, behaviour: { kind: "slow" as const, delayMs: 150 } })),
    ...Array.from({ length: RESETS }, (_, i) => ({ name: `reset${i}`, behaviour: "healthy" as const })),
    ...Array.from({ length: BURST }, (_, i) => ({ name: `burst${i}`, behaviour: "healthy" as const })),
  ]);
  db = await createTestDatabase();
  const pool = db.pool;
  const target = new URL(db.url);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  const viaProxy = new URL(db.url);
  viaProxy.port = String(proxy.port);

  const dueNames = fleet.servers.filter((s) => s.name.startsWith("due")).map((s) => s.serverName);
  const resetNames = fleet.servers.filter((s) => s.name.startsWith("reset")).map((s) => s.serverName);
  const burstNames = fleet.servers.filter((s) => s.name.startsWith("burst")).map((s) => s.serverName);
  await pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts) SELECT unnest($1::text[]), 1, 600000, 1",
    [dueNames],
  );
  await pool.query(
    "INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts) SELECT unnest($1::text[]), $2, 86400000, $2",
    [[...resetNames, ...burstNames], Date.now()],
  );

  const common = schedulerEnv(fleet, viaProxy.toString(), {
    FEDERATION_CLAIM_LEASE: "6s",
    FEDERATION_CONCURRENCY: "8",
    DATABASE_POOL_SIZE: "4",
  });
  const webEnv = { ...common, FEDERATION_SCHEDULER: "off" };
  expect(
    (await fedctl(["users", "add", "ops@example.org", "--role", "operator", "--password", "operator-pw-1"], webEnv))
      .code,
  ).toBe(0);
  const token = (await fedctl(["tokens", "create", "ops@example.org"], webEnv)).stdout.trim();

  const [webA, webB] = await Promise.all([startServer(webEnv), startServer(webEnv)]);
  const runStart = Date.now();
  procs.push(webA, webB);
  const schedulers: RunningProcess[] = await Promise.all([
    startSchedulerProcess(common),
    startSchedulerProcess(common),
  ]);
  procs.push(...schedulers);

  // Kill -9 one scheduler while it holds claims.
  await waitFor(
    "first attempts",
    async () => (await pool.query("SELECT count(*)::int AS n FROM attempts")).rows[0].n >= 40,
    60_000,
  );
  const victim = schedulers[0];
  victim.proc.kill("SIGKILL");
  await new Promise((r) => victim.proc.once("exit", r));
  const orphaned = (
    await pool.query("SELECT destination FROM destinations WHERE claimed_by LIKE $1", [`%:${victim.proc.pid}:%`])
  ).rows.map((r) => r.destination as string);

  // Resets through both web instances, with a database outage in the middle.
  const calls: Call[] = [];
  const webs: RunningServer[] = [webA, webB];
  const api = async (kind: string, web: RunningServer, path: string, method = "GET", destination?: string) => {
    const res = await fetch(web.url + path, { method, headers: { Authorization: `Bearer ${token}` } });
    calls.push({ at: Date.now(), status: res.status, body: await res.text(), kind, destination });
  };
  const resetPath = (d: string) =>
    `/_synapse/admin/v1/federation/destinations/${encodeURIComponent(d)}/reset_connection`;
  let outageFrom = 0;
  let outageTo = 0;
  for (let i = 0; i < RESETS; i++) {
    if (i === 20) {
      proxy.cut();
      outageFrom = Date.now();
      while (Date.now() - outageFrom < OUTAGE_MS) {
        await Promise.all(webs.map((w) => api("list", w, "/_synapse/admin/v1/federation/destinations?limit=5")));
        await new Promise((r) => setTimeout(r, 100));
      }
      proxy.restore();
      outageTo = Date.now();
    }
    await api("reset", webs[i % 2], resetPath(resetNames[i]), "POST", resetNames[i]);
    await api(
      "list",
      webs[(i + 1) % 2],
      "/_synapse/admin/v1/federation/destinations?limit=5&order_by=retry_interval&dir=b",
    );
  }

  // Only 200 and 503 (with a Matrix JSON body), and 503 only around the outage.
  for (const c of calls) {
    expect([200, 503], `${c.kind} → ${c.status} ${c.body}`).toContain(c.status);
    if (c.status === 503) {
      expect(JSON.parse(c.body)).toEqual({
        errcode: "M_UNKNOWN",
        error: "The database is unavailable; try again shortly.",
      });
      expect(c.at).toBeGreaterThanOrEqual(outageFrom);
      expect(c.at).toBeLessThanOrEqual(outageTo + 2_000);
    }
  }
  expect(calls.filter((c) => c.status === 503).length, "the outage was noticed").toBeGreaterThan(0);
  const acknowledged = calls.filter((c) => c.kind === "reset" && c.status === 200).map((c) => c.destination!);
  expect(acknowledged.length).toBe(RESETS); // no reset was sent during the outage itself

  // kill -9 of a web instance with resets in flight: each answered 200 must still be attempted
  // and audited (the answer comes after the commit); the others may or may not have landed.
  // The kill comes as soon as the first of them is answered, so the others are in all states.
  const burst = burstNames.map((d, i) =>
    new Promise((r) => setTimeout(r, i * 3))
      .then(() => fetch(webA.url + resetPath(d), { method: "POST", headers: { Authorization: `Bearer ${token}` } }))
      .then(async (r) => {
        if (r.status === 200) webA.proc.kill("SIGKILL");
        return { d, status: r.status, body: await r.text() };
      })
      .catch(() => ({ d, status: 0, body: "" })),
  );
  const burstDone = await Promise.all(burst);
  expect(webA.proc.signalCode ?? (await new Promise((r) => webA.proc.once("exit", (_c, sig) => r(sig))))).toBe(
    "SIGKILL",
  );
  for (const b of burstDone) expect([0, 200], `${b.d} → ${b.status} ${b.body}`).toContain(b.status);
  const burstAcked = burstDone.filter((b) => b.status === 200).map((b) => b.d);
  acknowledged.push(...burstAcked);
  // The surviving web instance serves on.
  expect(
    (
      await fetch(webB.url + "/_synapse/admin/v1/federation/destinations?limit=1", {
        headers: { Authorization: `Bearer ${token}` },
      })
    ).status,
  ).toBe(200);

  // Everything due is attempted, every acknowledged reset produced an attempt.
  let lastState = "";
  await waitFor(
    "all work done",
    async () => {
      const r = await pool.query(
        `SELECT (SELECT count(DISTINCT destination)::int FROM attempts WHERE destination = ANY($1)) AS due_done,
              (SELECT count(DISTINCT destination)::int FROM attempts WHERE destination = ANY($2) AND trigger = 'reset') AS resets_done`,
        [dueNames, acknowledged],
      );
      lastState = JSON.stringify(r.rows[0]);
      return r.rows[0].due_done === DUE && r.rows[0].resets_done === acknowledged.length;
    },
    120_000,
  ).catch((e) => {
    throw new Error(
      `${(e as Error).message}: ${lastState}\nsurviving scheduler:\n${schedulers[1].output().slice(-3000)}`,
    );
  });
  await new Promise((r) => setTimeout(r, 1_500)); // would anything run twice?

  const recorded = await pool.query(
    "SELECT destination, count(*)::int AS n FROM attempts WHERE destination = ANY($1) GROUP BY destination",
    [dueNames],
  );
  expect(
    recorded.rows.filter((r) => r.n !== 1),
    "recorded attempts per due destination",
  ).toEqual([]);
  const orphanSet = new Set(orphaned);
  for (const s of fleet.servers.filter((x) => x.name.startsWith("due"))) {
    const n = s.requests.count(VERSION_PATH);
    // Only an attempt the killed scheduler had in flight may have reached the server before it died.
    if (orphanSet.has(s.serverName)) {
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(2);
    } else expect(n, s.serverName).toBe(1);
  }
  const resetAttempts = await pool.query(
    "SELECT destination, outcome FROM attempts WHERE trigger = 'reset' AND destination = ANY($1)",
    [acknowledged],
  );
  expect(new Set(resetAttempts.rows.map((r) => r.destination)).size).toBe(acknowledged.length);
  expect(resetAttempts.rows.every((r) => r.outcome === "success")).toBe(true);
  const audit = await pool.query(
    "SELECT destination FROM audit_events WHERE action = 'destination.reset' AND via = 'api' AND actor = 'ops@example.org'",
  );
  const audited = new Set(audit.rows.map((r) => r.destination as string));
  for (const d of acknowledged) expect(audited.has(d), `audit of ${d}`).toBe(true);
  for (const d of audited) expect([...resetNames, ...burstNames]).toContain(d);
  const stuck = await pool.query(
    "SELECT count(*)::int AS n FROM destinations WHERE claimed_until IS NOT NULL OR wake_requested_at IS NOT NULL",
  );
  expect(stuck.rows[0].n).toBe(0);
  // A reset through either web instance wakes the surviving scheduler (LISTEN) within 1 s,
  // while it works through the due backlog — not counting time the database was down (a
  // reset acknowledged just before the cut cannot be claimed until the database is back).
  const started = await pool.query<{ destination: string; s: number }>(
    "SELECT destination, min(started_ts)::float8 AS s FROM attempts WHERE trigger = 'reset' AND destination = ANY($1) GROUP BY destination",
    [acknowledged],
  );
  const ackAt = new Map(calls.filter((c) => c.kind === "reset" && c.status === 200).map((c) => [c.destination!, c.at]));
  const timedStarts = started.rows.filter((r) => ackAt.has(r.destination)); // the burst's answers were not timed
  const downDuring = (from: number, to: number) => Math.max(0, Math.min(to, outageTo) - Math.max(from, outageFrom));
  const waits = timedStarts.map((r) => {
    const ack = ackAt.get(r.destination)!;
    return { total: Math.max(0, r.s - ack), up: Math.max(0, r.s - ack - downDuring(ack, r.s)) };
  });
  const wake = waits.map((w) => w.up).sort((x, y) => x - y);
  const acrossOutage = waits.filter((w) => w.total - w.up > 0).map((w) => w.total);
  const slow = timedStarts
    .filter((r) => r.s - ackAt.get(r.destination)! - downDuring(ackAt.get(r.destination)!, r.s) >= 1_000)
    .map(
      (r) =>
        `${r.destination} answered at outage end ${ackAt.get(r.destination)! - outageTo >= 0 ? "+" : ""}${ackAt.get(r.destination)! - outageTo} ms, started +${r.s - outageTo} ms`,
    );
  // The design bound is 1 s (measured max 0.1–0.6 s here); asserted with a 2× margin so a
  // busy CI machine does not fail the run, and the median against the bound itself.
  const why = `reset → attempt start, database up (ms): ${wake.join(", ")}\n${slow.join("\n")}\nsurviving scheduler:\n${schedulers[1].output().slice(-2000)}`;
  expect(wake[Math.floor(wake.length / 2)], why).toBeLessThan(1_000);
  expect(wake.at(-1)!, why).toBeLessThan(2_000);
  console.log(
    `cluster: ${DUE} due + ${acknowledged.length} resets; ${orphaned.length} claims orphaned by kill -9; ` +
      `${calls.filter((c) => c.status === 503).length} 503s during a ${OUTAGE_MS} ms outage; ` +
      `web killed -9 with ${BURST} resets in flight: ${burstAcked.length} answered 200 (all attempted and audited), ${BURST - burstAcked.length} cut off ` +
      `(${[...audited].filter((d) => burstNames.includes(d)).length - burstAcked.length} of those committed all the same, and attempted); ` +
      `reset answered → attempt start p50 ${wake[Math.floor(wake.length / 2)].toFixed(0)} ms, max ${wake.at(-1)!.toFixed(0)} ms ` +
      `(database up${acrossOutage.length ? `; ${acrossOutage.length} acknowledged just before the cut started ${acrossOutage.map((t) => t.toFixed(0)).join("/")} ms later, after it` : ""}); ` +
      `all work done ${((Date.now() - runStart) / 1000).toFixed(1)} s after start`,
  );
});
