// Mirror mode's end-to-end set-up: an upstream homeserver stand-in (a second instance of this
// project on its own database, scheduler off, so its timings change only when a test says so)
// and a mirroring console (scheduler on: sync + prober) on another database.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect } from "@playwright/test";
import { createTestDatabase, type TestDatabase } from "../../lib/testing/test-database";
import type { FakeFleet } from "../../lib/federation/testing/fake-fleet";
import { memberWithToken, freePort, startServer, type RunningServer } from "../support/server";
import { schedulerEnv, waitFor } from "../support/scheduler-env";

export type Instance = { server: RunningServer; db: TestDatabase; env: Record<string, string>; admin: string };

const dataDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "fc-mirror-"));
  fs.chmodSync(d, 0o755);
  return d;
};

const withAdmin = (env: Record<string, string>, email: string, role = "admin") => memberWithToken(env, { email, role });

/** The homeserver stand-in: our own API on its own database, nothing changing by itself. */
export async function startUpstream(port?: number, db?: TestDatabase): Promise<Instance> {
  const d = db ?? (await createTestDatabase());
  const env: Record<string, string> = {
    DATABASE_URL: d.url,
    FEDCONSOLE_DATA_DIR: dataDir(),
    FEDERATION_SCHEDULER: "off",
    ...(port ? { PORT: String(port) } : {}),
  };
  // The database is migrated already: the admin is made while the server starts.
  const [server, admin] = await Promise.all([
    startServer(env),
    db ? "" : withAdmin(env, "synapse-admin@upstream.test"),
  ]);
  return { server, db: d, env, admin };
}

export async function startMirror(
  upstream: { url: string; token: string },
  fleet: FakeFleet | undefined,
  extra: Record<string, string> = {},
): Promise<Instance> {
  const db = await createTestDatabase();
  const base = fleet
    ? schedulerEnv(fleet, db.url)
    : {
        DATABASE_URL: db.url,
        FEDCONSOLE_DATA_DIR: dataDir(),
        FEDERATION_SCHEDULER: "on",
        FEDERATION_HEALTH_INTERVAL: "0",
        FEDERATION_POLL_INTERVAL: "200",
        FEDERATION_ATTEMPT_TIMEOUT: "2s",
      };
  const env: Record<string, string> = {
    ...base,
    FEDCONSOLE_UPSTREAM_URL: upstream.url,
    FEDCONSOLE_UPSTREAM_TOKEN: upstream.token,
    FEDCONSOLE_UPSTREAM_SYNC_INTERVAL: "2s",
    FEDCONSOLE_UPSTREAM_POLL_INTERVAL: "200",
    FEDCONSOLE_UPSTREAM_PAGE_SIZE: "7",
    FEDCONSOLE_UPSTREAM_TIMEOUT: "2s",
    FEDCONSOLE_SERVER_NAME: "mirror.test",
    ...extra,
  };
  const [server, admin] = await Promise.all([
    startServer(env),
    withAdmin(env, "admin@mirror.test"),
    withAdmin(env, "operator@mirror.test", "operator"),
  ]);
  return { server, db, env, admin };
}

export const FED = "/_synapse/admin/v1/federation/destinations";

/** JSON.parse with integers of 16 digits or more kept as strings (exact, unlike Number). */
export const exactJson = (text: string) => JSON.parse(text.replace(/([:,[]\s*)(-?\d{16,})(?=\s*[,}\]])/g, '$1"$2"'));

export async function api(base: string, token: string, pathAndQuery: string, method: "GET" | "POST" = "GET") {
  const res = await fetch(base + pathAndQuery, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(method === "POST" ? { "Content-Type": "application/json" } : {}) },
    body: method === "POST" ? "{}" : undefined,
  });
  return { status: res.status, text: await res.text() };
}

/** Resolves once the mirror finished a full pass that started after `since`. */
export async function fullPassAfter(mirror: Instance, since: number, status = ["ok", "partial"]) {
  return waitFor(
    `a full pass after ${since}`,
    async () =>
      (
        await mirror.db.pool.query(
          "SELECT * FROM upstream_sync_passes WHERE kind = 'full' AND started_at > $1 AND status = ANY($2) ORDER BY id DESC LIMIT 1",
          [since, status],
        )
      ).rows[0],
    30_000,
  );
}

export async function signIn(page: Page, base: string, email: string, password: string) {
  await page.goto(`${base}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("whoami")).toContainText(email);
}

export { freePort, waitFor };
