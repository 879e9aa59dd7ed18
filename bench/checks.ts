// npm run bench:checks [-- --runs 10 --parallel 50]: federation checks on loopback (issue 13).
//   1. A healthy server's check, in-process (lib/checks runCheck) and through the API
//      (POST /_fedconsole/v1/destinations/<name>/check): by IP literal and by a DNS name with
//      SRV (a real DNS server on loopback). Target: ≤ 1 s each.
//   2. The console's destinations list (10,000 destinations) idle, then while `parallel` checks
//      run at once through the API. Target: list p50 under load within 2× of idle.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { getOrCreateAuthSecret } from "../lib/auth/auth-secret";
import { runCheck } from "../lib/checks/run-check";
import { integerArg, scriptArgs } from "../lib/cli/script-args";
import { dnsFor } from "../lib/federation/dns-servers";
import { createIpGuard } from "../lib/federation/ip-guard";
import { LOOPBACK_ALLOWLIST, startFakeFleet } from "../lib/federation/testing/fake-fleet";
import { startTestDnsServer } from "../lib/federation/testing/test-dns-server";
import { loadSettings } from "../lib/settings/settings";
import { createTestDatabase } from "../lib/testing/test-database";
import { buildIfNeeded } from "../scripts/build-if-needed";
import { fedctl, startServer } from "../e2e/support/server";
import { replaceSection } from "./support/markdown";

const ARGS = scriptArgs({
  name: "npm run bench:checks",
  usage: "[-- options]",
  description: "Federation checks on loopback: one healthy check's time, and the console under parallel checks.",
  options: {
    runs: { type: "string", value: "R", default: "10", description: "timed checks per kind (median)" },
    parallel: { type: "string", value: "P", default: "50", description: "checks at once for the load part" },
    "no-write": { type: "boolean", description: "print only, leave docs/benchmarks.md alone" },
  },
}).values;
const RUNS = integerArg("--runs", ARGS.runs);
const PARALLEL = integerArg("--parallel", ARGS.parallel);
const ROOT = path.resolve(import.meta.dirname, "..");
const p50 = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs: number[]) => Math.max(...xs);
const ms = (n: number) => `${Math.round(n)} ms`;

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await fn();
  return [performance.now() - t, v];
}

buildIfNeeded(ROOT, loadSettings(process.env).build, console.log);
const fleet = await startFakeFleet(
  [
    { name: "healthy", behaviour: "healthy" },
    { name: "named", behaviour: "healthy", matrixName: "healthy.fed.test" },
  ],
  { extraDnsNames: ["*.fed.test"] },
);
const dns = await startTestDnsServer({
  a: { "host.fed.test": ["127.0.0.1"] },
  srv: {
    "_matrix-fed._tcp.healthy.fed.test": [
      { priority: 10, weight: 0, port: fleet.server("named").port, target: "host.fed.test" },
    ],
  },
});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-bench-checks-"));
fs.chmodSync(dir, 0o755);
const caFile = path.join(dir, "ca.pem");
fs.writeFileSync(caFile, fleet.caPem);
const db = await createTestDatabase();
const ip = fleet.server("healthy").serverName;
await db.pool.query(
  `INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts)
   SELECT 'host' || lpad(i::text, 5, '0') || '.example.org', CASE WHEN i % 3 = 0 THEN 1764115200000 ELSE 0 END,
          CASE WHEN i % 3 = 0 THEN 600000 ELSE 0 END, CASE WHEN i % 3 = 0 THEN 1764115000000 END
   FROM generate_series(1, 10000) AS i`,
);
await db.pool.query("INSERT INTO destinations (destination) VALUES ($1), ('healthy.fed.test')", [ip]);
const secret = await getOrCreateAuthSecret(db.pool);
const env = {
  DATABASE_URL: db.url,
  FEDCONSOLE_DATA_DIR: dir,
  FEDERATION_SCHEDULER: "off",
  AUTH_SECRET: secret,
  FEDERATION_CA_FILE: caFile,
  FEDERATION_IP_RANGE_ALLOWLIST: "127.0.0.0/8",
  FEDERATION_DNS_SERVERS: dns.address,
  FEDERATION_WELL_KNOWN_PORT: "1",
  FEDERATION_CHECK_RATE_LIMIT: "100000",
};
const server = await startServer(env);
try {
  await fedctl(["users", "add", "bench@checks.test", "--role", "admin", "--password", "bench-password-1"], env);
  const token = (await fedctl(["tokens", "create", "bench@checks.test"], env)).stdout.trim();
  const user = await db.pool.query<{ id: string }>("SELECT id FROM users WHERE email = 'bench@checks.test'");
  const cookieName = "authjs.session-token";
  const cookie = `${cookieName}=${await encode({ token: { sub: user.rows[0].id, email: "bench@checks.test" }, secret, salt: cookieName, maxAge: 3600 })}`;

  const options = {
    dns: dnsFor([dns.address]),
    ipGuard: createIpGuard({ allowlist: LOOPBACK_ALLOWLIST }),
    timeoutMs: 10_000,
    wellKnownPort: 1,
    ca: fleet.caPem,
  };
  const apiCheck = async (name: string) => {
    const res = await fetch(`${server.url}/_fedconsole/v1/destinations/${encodeURIComponent(name)}/check`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as { federation_ok?: boolean };
    if (body.federation_ok !== true)
      throw new Error(`check of ${name} did not pass: ${JSON.stringify(body).slice(0, 300)}`);
  };
  const single: { kind: string; times: number[] }[] = [];
  for (const [kind, fn] of [
    ["lib, IP literal", () => runCheck(ip, options).then(() => {})],
    ["lib, DNS name with SRV", () => runCheck("healthy.fed.test", options).then(() => {})],
    ["API, IP literal", () => apiCheck(ip)],
    ["API, DNS name with SRV", () => apiCheck("healthy.fed.test")],
  ] as const) {
    await fn(); // warm-up
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push((await timed(fn))[0]);
    single.push({ kind, times });
  }

  const listPage = async () => {
    const [t, res] = await timed(() => fetch(`${server.url}/destinations?size=100`, { headers: { cookie } }));
    await res.text();
    if (res.status !== 200) throw new Error(`list page answered ${res.status}`);
    return t;
  };
  // The server's own CPU time (utime + stime of its process, in clock ticks of 10 ms).
  const cpuMs = () => {
    const f = fs.readFileSync(`/proc/${server.proc.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  };
  await listPage();
  const idle: number[] = [];
  for (let i = 0; i < 20; i++) idle.push(await listPage());
  let running = true;
  const loaded: number[] = [];
  const sampler = (async () => {
    while (running) loaded.push(await listPage());
  })();
  const cpuBefore = cpuMs();
  const [batchMs] = await timed(() =>
    Promise.all(Array.from({ length: PARALLEL }, (_, i) => apiCheck(i % 2 ? ip : "healthy.fed.test"))),
  );
  running = false;
  await sampler;
  const cpuPerCheck = (cpuMs() - cpuBefore) / PARALLEL;

  const ratio = p50(loaded) / p50(idle);
  const table = [
    "| measurement | p50 | max | target |",
    "|---|---|---|---|",
    ...single.map(
      (s) => `| healthy check, ${s.kind} (${RUNS} runs) | ${ms(p50(s.times))} | ${ms(max(s.times))} | ≤ 1 s |`,
    ),
    `| console list page, idle (20 loads) | ${ms(p50(idle))} | ${ms(max(idle))} | |`,
    `| console list page during ${PARALLEL} parallel checks (${loaded.length} loads) | ${ms(p50(loaded))} | ${ms(max(loaded))} | ≤ 2× idle (${ratio.toFixed(2)}×) |`,
    `| ${PARALLEL} parallel checks through the API, all done | ${ms(batchMs)} | | |`,
    `| server CPU per check during the batch (list loads included) | ${ms(cpuPerCheck)} | | |`,
  ].join("\n");
  console.log(table);
  const ok = single.every((s) => p50(s.times) <= 1000) && ratio <= 2;
  console.log(ok ? "targets met" : "TARGETS MISSED");
  if (!ARGS["no-write"]) {
    const file = path.join(ROOT, "docs", "benchmarks.md");
    const body = `Command: \`npm run bench:checks\` (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} at the end, loopback fake homeservers with real TLS and ed25519 keys, a dns2 server on loopback; 10,000 destinations for the list page).\n\n${table}\n\n${ok ? "All targets met." : "Targets missed (see the table)."}`;
    fs.writeFileSync(file, replaceSection(fs.readFileSync(file, "utf8"), "checks", "## Federation checks", body));
  }
  process.exitCode = ok ? 0 : 1;
} finally {
  await server.stop();
  await db.close();
  await dns.close();
  await fleet.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
