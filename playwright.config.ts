import { defineConfig } from "@playwright/test";
import fs from "node:fs";

// Debian's chromium when present (Playwright cannot download browsers here), else Playwright's own.
const chromium = fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined;

// Specs that start servers of their own (and never touch the run's shared server and database)
// run beside the others: two workers, one per group, so two specs never share the server.
const OWN_SERVERS = [
  "console/database-down.spec.ts",
  "cluster/*.spec.ts",
  "process/*.spec.ts",
  "scheduler/*.spec.ts",
  "start.spec.ts",
  "upstream/*.spec.ts",
  "checks/*.spec.ts",
  "webhooks/*.spec.ts",
  "accounts/*.spec.ts",
  "operations/*.spec.ts",
  "console/reset-attempt.spec.ts",
  "console/attempt-now.spec.ts",
];

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/support/global-setup.ts",
  workers: Number(process.env.E2E_WORKERS ?? 2),
  fullyParallel: false,
  projects: [
    { name: "shared-server", testIgnore: OWN_SERVERS, workers: 1 },
    { name: "own-servers", testMatch: OWN_SERVERS, workers: 1 },
  ],
  timeout: 60_000,
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
