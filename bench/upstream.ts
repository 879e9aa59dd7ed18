// npm run bench:upstream [-- --n 1000000]: mirror mode at scale, loopback only.
//   1. Through the admin API: an upstream of ours (a second instance of this project, N
//      destinations with ~5 N rooms from scripts/gen-destinations.ts) mirrored by
//      `fedctl upstream sync` into a fresh database — the first full pass, then a pass with
//      nothing changed (rows written must be 0), a recent-changes pass with nothing new (its
//      upstream requests), and a relayed reset against a local one (round trips).
//   2. Through the database: a Synapse-shaped PostgreSQL (Synapse's own DDL) with N
//      destinations and ~5 N rooms, mirrored the same way.
// The syncing process is fedctl's (its peak RSS is read from /proc). Targets (issue "mirror"):
// API first pass ≤ 120 s, database first pass with 5 M rooms ≤ 90 s, RSS ≤ 300 MB.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { importDestinations } from "../lib/destinations/import/import-destinations";
import { createTestDatabase, type TestDatabase } from "../lib/testing/test-database";
import { integerArg, scriptArgs } from "../lib/cli/script-args";
import { loadSettings } from "../lib/settings/settings";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { fedctl, startServer, type RunningServer } from "../e2e/support/server";
import { createFilledSynapseDatabase } from "./support/synapse-db";
import { createApiSource } from "../lib/upstream/api-source";
import { runRecentPass } from "../lib/upstream/recent-pass";
import { replaceSection } from "./support/markdown";

const ARGS = scriptArgs({
  name: "npm run bench:upstream",
  usage: "[-- options]",
  description: "Mirror mode at scale: first and unchanged full passes through the admin API and the database.",
  options: {
    n: { type: "string", value: "N", default: "1000000", description: "destinations (rooms: about 5 N)" },
    pg: {
      type: "string",
      value: "URL",
      default: "postgresql://postgres@127.0.0.1:5432/postgres",
      description: "PostgreSQL server for the databases (created and dropped)",
    },
    "no-api": { type: "boolean", description: "skip the admin-API source" },
    "no-db": { type: "boolean", description: "skip the database source" },
    "fill-rooms": {
      type: "boolean",
      description: "API source: read every room set in a pass before the unchanged one (N requests: ~28 min at 1M)",
    },
    samples: { type: "string", value: "S", default: "30", description: "resets measured each way" },
    "no-write": { type: "boolean", description: "print only, leave docs/benchmarks.md alone" },
  },
}).values;
const N = integerArg("--n", ARGS.n);
const SAMPLES = integerArg("--samples", ARGS.samples);
const ROOT = path.resolve(import.meta.dirname, "..");
const secs = (ms: number) => (ms / 1000).toFixed(1);
const mb = (kb: number) => Math.round(kb / 1024);
const fmt = (n: number) => n.toLocaleString("en-US");
const p50 = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

type Run = { ms: number; peakRssKb: number; out: string; code: number };

/** fedctl upstream sync in its own process; its peak RSS from /proc/<pid>/status (VmHWM). */
function syncRun(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const t = performance.now();
    const p = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "lib/cli/fedctl.ts"), "upstream", "sync"], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let peak = 0;
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p.pid}/status`, "utf8"));
        if (m) peak = Math.max(peak, Number(m[1]));
      } catch {}
    }, 100);
    p.on("exit", (code) => {
      clearInterval(poll);
      resolve({ ms: performance.now() - t, peakRssKb: peak, out, code: code ?? -1 });
    });
  });
}

async function lastPass(db: TestDatabase) {
  return (
    await db.pool.query(
      "SELECT * FROM upstream_sync_passes WHERE kind = 'full' AND status <> 'running' ORDER BY id DESC LIMIT 1",
    )
  ).rows[0];
}

const written = (p: Record<string, string>) =>
  Number(p.rows_added) + Number(p.rows_changed) + Number(p.rows_removed) + Number(p.rooms_written);

async function apiSource(md: string[]) {
  const upDb = await createTestDatabase({ serverUrl: ARGS.pg });
  const mirrorDb = await createTestDatabase({ serverUrl: ARGS.pg });
  let up: RunningServer | undefined;
  let mirror: RunningServer | undefined;
  try {
    const t0 = performance.now();
    const gen = spawn(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "scripts/gen-destinations.ts"), String(N)],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const report = await importDestinations(gen.stdout as unknown as Readable, { pool: upDb.pool });
    console.log(
      `upstream: ${fmt(report.imported)} destinations, ${fmt(report.rooms)} rooms in ${secs(performance.now() - t0)} s`,
    );
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-bench-up-"));
    const upEnv = { DATABASE_URL: upDb.url, FEDCONSOLE_DATA_DIR: dataDir, FEDERATION_SCHEDULER: "off" };
    up = await startServer(upEnv);
    await fedctl(["users", "add", "admin@up.bench", "--role", "admin", "--password", "bench-password-1"], upEnv);
    const token = (await fedctl(["tokens", "create", "admin@up.bench"], upEnv)).stdout.trim();
    const mirrorEnv = {
      DATABASE_URL: mirrorDb.url,
      FEDCONSOLE_DATA_DIR: dataDir,
      FEDCONSOLE_UPSTREAM_URL: up.url,
      FEDCONSOLE_UPSTREAM_TOKEN: token,
    };
    const first = await syncRun(mirrorEnv);
    if (first.code !== 0) throw new Error(`first pass failed:\n${first.out}`);
    const p1 = await lastPass(mirrorDb);
    // Rooms come in a budget per pass (FEDCONSOLE_UPSTREAM_ROOMS_PER_PASS). With --fill-rooms one
    // pass with a budget of everything reads the rest, then an unchanged pass with the default
    // must write nothing. Without it the unchanged pass reads no room sets (budget 0): every
    // set it would read is one the mirror has never seen, so it would rightly write rooms.
    const fill = ARGS["fill-rooms"]
      ? await syncRun({ ...mirrorEnv, FEDCONSOLE_UPSTREAM_ROOMS_PER_PASS: String(N) })
      : null;
    const pf = fill ? await lastPass(mirrorDb) : null;
    const second = await syncRun(fill ? mirrorEnv : { ...mirrorEnv, FEDCONSOLE_UPSTREAM_ROOMS_PER_PASS: "0" });
    const p2 = await lastPass(mirrorDb);
    console.log(
      `API first pass ${secs(first.ms)} s, ${fill ? `every room ${secs(fill.ms)} s, ` : ""}unchanged pass ${secs(second.ms)} s`,
    );

    // A recent-changes pass with nothing new, in this process: what it costs the upstream.
    const settings = loadSettings({ FEDCONSOLE_UPSTREAM_URL: up.url, FEDCONSOLE_UPSTREAM_TOKEN: token });
    const source = createApiSource(settings.upstream!, settings.attempts);
    const recentDeps = {
      pool: mirrorDb.pool,
      source,
      roomsConcurrency: 4,
      owner: "bench",
      signal: new AbortController().signal,
    };
    const recentT = performance.now();
    const recent = await runRecentPass(recentDeps);
    const recentMs = performance.now() - recentT;
    await source.close();

    // Resets through a mirroring server against the upstream's own.
    mirror = await startServer({ ...mirrorEnv, FEDERATION_SCHEDULER: "off" });
    await fedctl(
      ["users", "add", "op@mirror.bench", "--role", "operator", "--password", "bench-password-1"],
      mirrorEnv,
    );
    const mirrorToken = (await fedctl(["tokens", "create", "op@mirror.bench"], mirrorEnv)).stdout.trim();
    const before = await upDb.pool.query<{ n: string }>("SELECT count(*) AS n FROM audit_events");
    const listReq = async (base: string, tok: string, p: string, method = "GET") => {
      const t = performance.now();
      const r = await fetch(base + p, {
        method,
        headers: { Authorization: `Bearer ${tok}` },
        body: method === "POST" ? "{}" : undefined,
      });
      await r.text();
      if (r.status !== 200) throw new Error(`${method} ${p}: ${r.status}`);
      return performance.now() - t;
    };
    const failing = (
      await upDb.pool.query<{ destination: string }>(
        "SELECT destination FROM destinations WHERE retry_last_ts > 0 ORDER BY destination LIMIT $1",
        [SAMPLES * 2],
      )
    ).rows.map((r) => r.destination);
    const FED = "/_synapse/admin/v1/federation/destinations";
    const local: number[] = [];
    const relayed: number[] = [];
    const upDetails: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      local.push(await listReq(up.url, token, `${FED}/${encodeURIComponent(failing[i])}/reset_connection`, "POST"));
      relayed.push(
        await listReq(
          mirror.url,
          mirrorToken,
          `${FED}/${encodeURIComponent(failing[SAMPLES + i])}/reset_connection`,
          "POST",
        ),
      );
      upDetails.push(await listReq(up.url, token, `${FED}/${encodeURIComponent(failing[i])}`));
    }
    const after = await upDb.pool.query<{ n: string }>("SELECT count(*) AS n FROM audit_events");
    md.push(
      "### Through the admin API (an upstream of ours)",
      "",
      `Upstream: ${fmt(report.imported)} destinations, ${fmt(report.rooms)} rooms (scripts/gen-destinations.ts: 30 % failing). ` +
        "Mirror: `fedctl upstream sync` into a fresh database (default settings: pages of 1,000, 5,000 room sets per pass, 4 in flight).",
      "",
      "| measure | result | target |",
      "|---|---|---|",
      `| first full pass, wall | **${secs(first.ms)} s** (${fmt(Number(p1.rows_seen))} rows, ${fmt(Number(p1.requests))} upstream requests, ${fmt(Number(p1.rooms_written))} room rows) | ≤ 120 s |`,
      `| peak RSS of the syncing process | **${mb(first.peakRssKb)} MB** | ≤ 300 MB |`,
      fill && pf
        ? `| a pass reading every room set (FEDCONSOLE_UPSTREAM_ROOMS_PER_PASS=${N}) | ${secs(fill.ms)} s (${fmt(Number(pf.requests))} requests, ${fmt(Number(pf.rooms_written))} room rows; peak RSS ${mb(fill.peakRssKb)} MB) | |`
        : "| a pass reading every room set | not run (`--fill-rooms`) | |",
      `| pass with nothing changed (${fill ? "default room budget" : "room budget 0"}) | ${secs(second.ms)} s, **${written(p2)} rows written** (${fmt(Number(p2.requests))} requests; peak RSS ${mb(second.peakRssKb)} MB) | 0 rows |`,
      `| recent-changes pass, nothing new | **${recent.counts.requests} upstream request(s)**, ${recentMs.toFixed(0)} ms, ${recent.counts.rowsChanged + recent.counts.rowsAdded} rows written | one page |`,
      `| reset, local (upstream instance itself), p50 | ${local.length ? p50(local).toFixed(1) : "?"} ms | |`,
      `| reset relayed through the mirror, p50 | ${relayed.length ? p50(relayed).toFixed(1) : "?"} ms (upstream audited ${Number(after.rows[0].n) - Number(before.rows[0].n)} resets for ${SAMPLES * 2} sent) | ≤ local + one upstream round trip |`,
      `| one upstream round trip (details), p50 | ${upDetails.length ? p50(upDetails).toFixed(1) : "?"} ms | |`,
      "",
    );
  } finally {
    await mirror?.stop();
    await up?.stop();
    await mirrorDb.close();
    await upDb.close();
  }
}

async function databaseSource(md: string[]) {
  const t0 = performance.now();
  const syn = await createFilledSynapseDatabase(ARGS.pg, N);
  console.log(
    `Synapse database: ${fmt(syn.destinations)} destinations, ${fmt(syn.destinationRooms)} rooms in ${secs(performance.now() - t0)} s`,
  );
  const mirrorDb = await createTestDatabase({ serverUrl: ARGS.pg });
  try {
    const env = {
      DATABASE_URL: mirrorDb.url,
      FEDCONSOLE_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "fc-bench-db-")),
      FEDCONSOLE_UPSTREAM_DATABASE_URL: syn.readOnlyUrl,
    };
    const first = await syncRun(env);
    if (first.code !== 0) throw new Error(`first pass failed:\n${first.out}`);
    const p1 = await lastPass(mirrorDb);
    const second = await syncRun(env);
    const p2 = await lastPass(mirrorDb);
    console.log(`database first pass ${secs(first.ms)} s, unchanged pass ${secs(second.ms)} s`);
    md.push(
      "### Through the database (Synapse's own tables)",
      "",
      `Synapse-shaped PostgreSQL (lib/upstream/testing/synapse-schema.sql, filled by bench/support/synapse-db.ts): ${fmt(syn.destinations)} destinations, ${fmt(syn.destinationRooms)} destination_rooms rows; a read-only role. Mirror: \`fedctl upstream sync\` into a fresh database.`,
      "",
      "| measure | result | target |",
      "|---|---|---|",
      `| first full pass with every room, wall | **${secs(first.ms)} s** (${fmt(Number(p1.rows_seen))} rows, ${fmt(Number(p1.rooms_written))} room rows) | ≤ 90 s |`,
      `| peak RSS of the syncing process | **${mb(first.peakRssKb)} MB** | ≤ 300 MB |`,
      `| pass with nothing changed | ${secs(second.ms)} s, **${written(p2)} rows written** (peak RSS ${mb(second.peakRssKb)} MB) | 0 rows |`,
      "",
    );
  } finally {
    await mirrorDb.close();
    await syn.close();
  }
}

async function main() {
  buildIfNeeded(ROOT, loadSettings(process.env).build, console.log);
  const started = new Date();
  const load = os.loadavg();
  const md: string[] = [
    `Run: \`npm run bench:upstream -- --n ${N}\` on ${started.toISOString().slice(0, 16)} UTC, ${os.cpus().length} cores, load average at start ${load[0].toFixed(1)}.`,
    "",
  ];
  if (!ARGS["no-api"]) await apiSource(md);
  if (!ARGS["no-db"]) await databaseSource(md);
  const text = md.join("\n");
  console.log(`\n${text}`);
  if (!ARGS["no-write"]) {
    const file = path.join(ROOT, "docs/benchmarks.md");
    fs.writeFileSync(
      file,
      replaceSection(fs.readFileSync(file, "utf8"), "upstream", "## Mirror mode: syncing from a homeserver", text),
    );
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
