// One server for the whole run, on a fresh database, with a user and token per role.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildIfNeeded } from "../../scripts/build-if-needed";
import { loadSettings } from "../../lib/settings/settings";
import { createTestDatabase } from "../../lib/testing/test-database";
import { ROOT, memberWithToken, startServer } from "./server";

export const ROLE_USERS = {
  admin: "admin@e2e.test",
  operator: "operator@e2e.test",
  viewer: "viewer@e2e.test",
} as const;

export default async function globalSetup() {
  buildIfNeeded(ROOT, loadSettings(process.env).build, (m) => console.log(m));
  // The programs' bundles (scripts/launch.mjs), once, before specs start them side by side.
  const bundled = spawnSync(process.execPath, [path.join(ROOT, "scripts", "launch.mjs"), "--all"], {
    stdio: "inherit",
  });
  if (bundled.status !== 0) throw new Error("bundling the programs (node scripts/launch.mjs --all) failed");
  // The machine's PostgreSQL only when asked (E2E_PG_SERVER_URL): by default the run uses the
  // embedded one, as `npm start` does.
  const db = await createTestDatabase({ serverUrl: process.env.E2E_PG_SERVER_URL ?? "", probeLocal: false });
  console.log(`e2e: ${db.describe}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-e2e-data-"));
  const env = {
    DATABASE_URL: db.url,
    FEDCONSOLE_DATA_DIR: dataDir,
    FEDERATION_SCHEDULER: "off",
    FEDCONSOLE_SERVER_NAME: "e2e.test",
  };
  const server = await startServer(env);

  // The three roles side by side: each fedctl process is seconds of start-up on a slow machine.
  const tokens: Record<string, string> = {};
  await Promise.all(
    Object.entries(ROLE_USERS).map(async ([role, email]) => {
      tokens[role] = await memberWithToken(env, { email, role, tokenName: `e2e ${role}` });
    }),
  );
  process.env.E2E_BASE_URL = server.url;
  process.env.E2E_DATABASE_URL = db.url;
  process.env.E2E_DATA_DIR = dataDir;
  process.env.E2E_TOKENS = JSON.stringify(tokens);

  return async () => {
    await server.stop();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
