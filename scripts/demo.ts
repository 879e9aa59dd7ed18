// `npm run demo`: a fake homeserver fleet on loopback (real HTTPS servers, a CA made now) and
// the console with one destination per fleet member, with short backoff settings so you can
// watch real attempts, failures and backoff growth in the console within minutes.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startFakeFleet, type FakeServerSpec } from "../lib/federation/testing/fake-fleet";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = path.resolve(process.env.FEDCONSOLE_DATA_DIR || path.join(root, "data-demo"));
const port = process.env.PORT || "3000";
const email = "demo@example.org";
const password = "demo-password";

const SPECS: FakeServerSpec[] = [
  { name: "healthy", behaviour: "healthy" },
  { name: "slow", behaviour: { kind: "slow", delayMs: 1500 } },
  { name: "down", behaviour: "down" },
  { name: "error500", behaviour: "status500" },
  { name: "unauthorized401", behaviour: "status401" },
  { name: "ratelimited429", behaviour: "status429" },
  { name: "notfound404", behaviour: "status404" },
  { name: "hangs", behaviour: "hang" },
  { name: "invalid-json", behaviour: "invalidJson" },
  { name: "flapping", behaviour: "flapping" },
  { name: "expired-cert", behaviour: "expiredCert" },
  { name: "wrong-name-cert", behaviour: "wrongNameCert" },
  { name: "ipv6-blocked", behaviour: "healthy", host: "::1" },
];

/** `node scripts/launch.mjs <program> …`, as `npm start` and `npm run fedctl` run them. */
const launch = (program: "start" | "fedctl", ...args: string[]) => [
  path.join(root, "scripts", "launch.mjs"),
  program,
  ...args,
];

function run(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<number> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, args, {
      cwd: root,
      env,
      stdio: [input ? "pipe" : "ignore", "inherit", "inherit"],
    });
    if (input) p.stdin!.end(input);
    p.on("exit", (code) => resolve(code ?? 1));
  });
}

async function main() {
  // The fleet's ports are new on every run, so the demo starts from an empty database.
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  fs.chmodSync(dataDir, 0o755);
  const fleet = await startFakeFleet(SPECS);
  const caFile = path.join(dataDir, "demo-ca.pem");
  fs.writeFileSync(caFile, fleet.caPem);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: "",
    FEDCONSOLE_DATA_DIR: dataDir,
    PORT: port,
    FEDERATION_CA_FILE: caFile,
    FEDERATION_IP_RANGE_ALLOWLIST: "127.0.0.0/8", // open loopback IPv4 for the fleet; ::1 stays blocked
    FEDERATION_MIN_RETRY_INTERVAL: process.env.FEDERATION_MIN_RETRY_INTERVAL || "15s",
    FEDERATION_MAX_RETRY_INTERVAL: process.env.FEDERATION_MAX_RETRY_INTERVAL || "10m",
    FEDERATION_HEALTH_INTERVAL: process.env.FEDERATION_HEALTH_INTERVAL || "1m",
    FEDERATION_ATTEMPT_TIMEOUT: process.env.FEDERATION_ATTEMPT_TIMEOUT || "5s",
    ADMIN_EMAIL: email,
    ADMIN_PASSWORD: password,
  };
  // Every fleet member as a destination that is due now, with a few rooms each.
  const lines = fleet.servers.map((s, i) =>
    JSON.stringify({
      destination: s.serverName,
      retry_last_ts: 0,
      retry_interval: 0,
      failure_ts: null,
      last_successful_stream_ordering: 1000 + i,
      rooms: Array.from({ length: 1 + (i % 4) }, (_, k) => ({
        room_id: `!demo${k}:${s.name}.example`,
        stream_ordering: 900 + k,
      })),
    }),
  );
  const imported = await run(launch("fedctl", "destinations", "import", "-"), env, lines.join("\n") + "\n");
  if (imported !== 0) throw new Error("importing the demo destinations failed");
  console.log("\nDemo fleet (destination → behaviour):");
  for (const s of fleet.servers)
    console.log(`  ${s.serverName.padEnd(24)} ${typeof s.behaviour === "string" ? s.behaviour : s.behaviour.kind}`);
  console.log(`\nConsole: http://127.0.0.1:${port}  — log in as ${email} / ${password}\n`);
  const server = spawn(process.execPath, launch("start"), { cwd: root, env, stdio: "inherit" });
  const stop = () => server.kill("SIGTERM");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  server.on("exit", async (code) => {
    await fleet.close();
    process.exit(code ?? 0);
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
