import { defineConfig } from "@playwright/test";
import fs from "node:fs";

// Debian's chromium when present (Playwright cannot download browsers here), else Playwright's own.
const chromium = fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined;

// Specs that start servers of their own (and never touch the run's shared server and database)
// run beside the others, in two lanes of their own: three workers, one per project, so two specs
// never share a server. The lanes are balanced by their specs' times (~160 s each on a quiet
// 2-core machine, the shared lane ~300 s); the three keep the two cores busier than two lanes did
// (the specs spend much of their time waiting on timers and other processes).
const OWN_SERVERS_A = [
  "process/database-recovery.spec.ts",
  "webhooks/webhooks.spec.ts",
  "upstream/mirror.spec.ts",
  "console/attempt-now.spec.ts",
  "checks/*.spec.ts",
  "console/reset-attempt.spec.ts",
  "upstream/mirror-faults.spec.ts",
  "scheduler/scheduler.spec.ts",
  "accounts/first-run-hint.spec.ts",
];
const OWN_SERVERS_B = [
  "process/large-answers.spec.ts",
  "cluster/*.spec.ts",
  "start.spec.ts",
  "operations/*.spec.ts",
  "scheduler/two-schedulers.spec.ts",
  "console/database-down.spec.ts",
  "process/closed-log-pipe.spec.ts",
  "upstream/mirror-database.spec.ts",
  "accounts/first-run.spec.ts",
  "webhooks/two-schedulers.spec.ts",
];
const OWN_SERVERS = [...OWN_SERVERS_A, ...OWN_SERVERS_B];

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/support/global-setup.ts",
  workers: Number(process.env.E2E_WORKERS ?? 3),
  fullyParallel: false,
  projects: [
    { name: "shared-server", testIgnore: OWN_SERVERS, workers: 1 },
    { name: "own-servers-a", testMatch: OWN_SERVERS_A, workers: 1 },
    { name: "own-servers-b", testMatch: OWN_SERVERS_B, workers: 1 },
  ],
  timeout: 60_000,
  // A step of the interface may take more than Playwright's default 5 s on a loaded 2-core
  // machine (a relayed reset, a page behind a server action); a spec that must be quick says so.
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: process.env.E2E_BASE_URL,
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    },
  },
});
