// npm run bench:live [-- --clients 100 --rate 300 --seconds 20]: live updates under load,
// loopback only. A server as `npm start` runs it (scheduler off) on a fresh database with
// N destinations; C console streams (GET /events/destinations with a signed-in session, as
// open list pages: each watches a 50-row page, five pages' worth of clients per page) while
// attempts are recorded at R a second through the scheduler's own record function
// (lib/federation/record-attempt.ts: the attempt row, the timings, the last_* columns — the
// trigger notifies), on rows the pages show. Measured: the web process's CPU time (user + system
// from /proc) over the window, idle and under load; updates received per page and second; the
// delay from an attempt's COMMIT to its row reaching a page. Target (issue 15): < 50 % of a core.
import http from "node:http";
import pg from "pg";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { integerArg, scriptArgs } from "../lib/cli/script-args";
import { loadSettings } from "../lib/settings/settings";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { createTestDatabase } from "../lib/testing/test-database";
import { recordAttempt } from "../lib/federation/record-attempt";
import { DEFAULT_BACKOFF } from "../lib/federation/backoff";
import { watchParam } from "../lib/live/watch-hash";
import { announceChanged } from "../lib/live/announce";
import { fedctl, startServer } from "../e2e/support/server";
import { cpuSeconds } from "../e2e/support/proc-stats";
import { consoleCookie } from "./support/console-login";
import { replaceSection } from "./support/markdown";

const ARGS = scriptArgs({
  name: "npm run bench:live",
  usage: "[-- options]",
  description: "Live updates: web process CPU with many open console streams and attempts going on.",
  options: {
    clients: { type: "string", value: "C", default: "100", description: "open console streams" },
    rate: { type: "string", value: "R", default: "300", description: "attempts recorded per second" },
    seconds: { type: "string", value: "S", default: "20", description: "length of each measured window" },
    n: { type: "string", value: "N", default: "10000", description: "destinations in the database" },
    writer: {
      type: "string",
      value: "W",
      default: "record",
      description:
        "record: the scheduler's record function; update: one UPDATE of the row's attempt columns per attempt",
    },
    "no-write": { type: "boolean", description: "print only, leave docs/benchmarks.md alone" },
  },
}).values;
const CLIENTS = integerArg("--clients", ARGS.clients);
const RATE = integerArg("--rate", ARGS.rate);
const SECONDS = integerArg("--seconds", ARGS.seconds);
const N = integerArg("--n", ARGS.n);
const WRITER = ARGS.writer;
if (WRITER !== "record" && WRITER !== "update") throw new Error("--writer must be record or update");
const PAGE = 50;
/** Attempts written at once (each is one transaction of a few statements). */
const WORKERS = 16;
const PAGES = Math.max(1, Math.ceil(CLIENTS / 5));
const ROOT = path.resolve(import.meta.dirname, "..");
const name = (i: number) => `live${String(i).padStart(6, "0")}.bench`;
const pct = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)] ?? 0;

type Client = { updates: number; rows: number; req: http.ClientRequest };

async function main() {
  buildIfNeeded(ROOT, loadSettings(process.env).build, console.log);
  const database = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: WORKERS });
  pool.on("error", () => {});
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-bench-live-"));
  const env = { DATABASE_URL: database.url, FEDCONSOLE_DATA_DIR: dir, FEDERATION_SCHEDULER: "off" };
  const server = await startServer(env);
  const clients: Client[] = [];
  try {
    await database.pool.query(
      `INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts)
       SELECT 'live' || lpad(g::text, 6, '0') || '.bench', $1::bigint, 600000, $1::bigint FROM generate_series(0, $2 - 1) g`,
      [Date.now(), N],
    );
    await fedctl(["users", "add", "viewer@live.bench", "--role", "viewer", "--password", "bench-password-1"], env);
    const cookie = await consoleCookie(server.url, "viewer@live.bench", "bench-password-1");

    // Commit time of the latest attempt per row, to time its arrival at the pages.
    const committed = new Map<string, number>();
    const delays: number[] = [];
    let measuring = false;
    for (let c = 0; c < CLIENTS; c++) {
      const first = (c % PAGES) * PAGE;
      const names = Array.from({ length: PAGE }, (_, i) => name(first + i));
      const client: Client = { updates: 0, rows: 0, req: undefined as unknown as http.ClientRequest };
      await new Promise<void>((resolve, reject) => {
        client.req = http.get(
          `${server.url}/events/destinations?w=${watchParam(names)}&since=${Date.now()}`,
          { headers: { cookie, accept: "text/event-stream", "accept-encoding": "gzip, deflate, br" } },
          (res) => {
            if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
            if (res.headers["content-encoding"]) return reject(new Error("the stream was compressed (buffered)"));
            res.setEncoding("utf8");
            let buf = "";
            res.on("data", (chunk: string) => {
              buf += chunk;
              let i = buf.indexOf("\n\n");
              while (i >= 0) {
                const ev = buf.slice(0, i);
                buf = buf.slice(i + 2);
                i = buf.indexOf("\n\n");
                if (ev.includes("event: hello")) resolve();
                if (!ev.startsWith("event: rows")) continue;
                const now = Date.now();
                const data = JSON.parse(ev.slice(ev.indexOf("data: ") + 6)) as { rows: { destination: string }[] };
                client.updates++;
                client.rows += data.rows.length;
                if (!measuring) continue;
                for (const r of data.rows) {
                  const t = committed.get(r.destination);
                  if (t !== undefined) {
                    delays.push(now - t);
                    committed.delete(r.destination);
                  }
                }
              }
            });
          },
        );
        client.req.on("error", reject);
      });
      clients.push(client);
    }
    const pid = server.proc.pid!;

    // Idle: streams open, nothing changes.
    const idle0 = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const idleCpu = (cpuSeconds(pid) - idle0) / SECONDS;

    // Load: RATE attempts a second on the watched rows, through the scheduler's record function.
    const watched = PAGES * PAGE;
    let recorded = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const due = (recorded * 1000) / RATE;
        const started = performance.now() - t0;
        if (started < due) {
          await new Promise((r) => setTimeout(r, due - started));
          continue;
        }
        const d = name(Math.floor(Math.random() * watched));
        recorded++;
        if (WRITER === "update") {
          await pool.query(
            `UPDATE destinations SET last_attempt_ts = $2, last_outcome = 'failure', last_error_kind = 'CONNECT_REFUSED',
               retry_last_ts = $2, retry_interval = retry_interval * 2 WHERE destination = $1`,
            [d, Date.now()],
          );
          announceChanged(pool, [d]); // as recordAttempt does after its COMMIT
        } else {
          const r = await pool.query<{ rlt: string; ri: string; fts: string | null }>(
            "SELECT retry_last_ts::text AS rlt, retry_interval::text AS ri, failure_ts::text AS fts FROM destinations WHERE destination = $1",
            [d],
          );
          const t = r.rows[0];
          await recordAttempt(
            pool,
            {
              destination: d,
              trigger: "schedule",
              timings: {
                retryLastTs: BigInt(t.rlt),
                retryInterval: BigInt(t.ri),
                failureTs: t.fts === null ? null : BigInt(t.fts),
              },
              wakeRequestedAt: null,
            },
            {
              outcome: "failure",
              stage: "connect",
              reason: "CONNECT_REFUSED",
              message: "connection refused",
              httpStatus: null,
              resolvedAddress: "127.0.0.1:8448",
              serverSoftware: null,
              serverVersion: null,
              durationMs: 5 + Math.floor(Math.random() * 10),
            },
            { nowMs: Date.now(), owner: `bench-${recorded}`, backoff: DEFAULT_BACKOFF, historyLimit: 20 },
          );
        }
        if (measuring) committed.set(d, Date.now());
      }
    };
    const t0 = performance.now();
    const workers = Array.from({ length: WORKERS }, worker);
    await new Promise((r) => setTimeout(r, 3000)); // warm-up
    for (const c of clients) {
      c.updates = 0;
      c.rows = 0;
    }
    measuring = true;
    const rec0 = recorded;
    const load0 = cpuSeconds(pid);
    const w0 = performance.now();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const window = (performance.now() - w0) / 1000;
    const loadCpu = (cpuSeconds(pid) - load0) / window;
    const attempts = (recorded - rec0) / window;
    measuring = false;
    stop = true;
    await Promise.all(workers);
    const perPage = clients.map((c) => c.updates / window);
    const rowsPerUpdate =
      clients.reduce((a, c) => a + c.rows, 0) /
      Math.max(
        1,
        clients.reduce((a, c) => a + c.updates, 0),
      );

    const rows: [string, string][] = [
      ["machine load average (1 min) at the end", os.loadavg()[0].toFixed(1)],
      ["open console streams", String(CLIENTS)],
      [
        "attempts written by",
        WRITER === "record"
          ? "lib/federation/record-attempt.ts"
          : "one UPDATE per attempt, announced as recordAttempt does",
      ],
      [
        "destinations / rows watched",
        `${N.toLocaleString("en-US")} / ${watched.toLocaleString("en-US")} (${PAGES} pages of ${PAGE})`,
      ],
      ["attempts recorded per second (achieved)", attempts.toFixed(0)],
      ["web process CPU, streams open, idle", `${(idleCpu * 100).toFixed(1)} % of a core`],
      ["web process CPU, under load", `**${(loadCpu * 100).toFixed(1)} % of a core**`],
      [
        "updates per page and second (max / mean)",
        `${Math.max(...perPage).toFixed(2)} / ${(perPage.reduce((a, b) => a + b, 0) / perPage.length).toFixed(2)}`,
      ],
      ["rows per update (mean)", rowsPerUpdate.toFixed(1)],
      [
        "attempt COMMIT → row at the page, p50 / p95 / max",
        `${pct(delays, 0.5)} / ${pct(delays, 0.95)} / ${pct(delays, 1)} ms (${delays.length} samples)`,
      ],
    ];
    const table = ["| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
    console.log(table);
    const ok = loadCpu < 0.5 && Math.max(...perPage) <= 1.05 && delays.length > 0;
    console.log(ok ? "target met: < 50 % of a core, at most one update per page and second" : "TARGET MISSED");
    if (!ARGS["no-write"]) {
      const text = [
        `\`npm run bench:live -- --clients ${CLIENTS} --rate ${RATE} --seconds ${SECONDS} --n ${N} --writer ${WRITER}\` (${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}).`,
        "",
        `${CLIENTS} streams as open list pages (GET /events/destinations with a console session); attempts written by lib/federation/record-attempt.ts from the bench process at the given rate on rows the pages show; server started as \`npm start\` (scheduler off). CPU = user + system time of the web process from /proc over ${SECONDS} s. Target (issue 15): under 50 % of a core.`,
        "",
        table,
      ].join("\n");
      const file = path.join(ROOT, "docs", "benchmarks.md");
      fs.writeFileSync(
        file,
        replaceSection(
          fs.readFileSync(file, "utf8"),
          `live-${WRITER}`,
          `## Live updates (${WRITER === "record" ? "recorded attempts" : "row updates"}): open pages while attempts go on`,
          text,
        ),
      );
    }
    if (!ok) process.exitCode = 1;
  } finally {
    for (const c of clients) c.req.destroy();
    await server.stop();
    await pool.end();
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
