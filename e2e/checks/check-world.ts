// The world a federation check e2e test runs in: fake homeservers on loopback (each fault of
// issue 13, real ed25519 keys), a real DNS server on loopback serving SRV/CNAME/A for
// *.fed.test, and our server pointed at it (FEDERATION_DNS_SERVERS) with its scheduler off, so
// nothing but the checks touches the network and the retry timings stay as seeded.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { expect, type Page } from "@playwright/test";
import { startFakeFleet, type FakeFleet } from "../../lib/federation/testing/fake-fleet";
import { startTestDnsServer, type TestDnsServer } from "../../lib/federation/testing/test-dns-server";
import { createTestDatabase, type TestDatabase } from "../../lib/testing/test-database";
import { memberWithToken, startServer, type RunningServer } from "../support/server";

export const FAULTS = [
  "badKeySignature",
  "expiredKeys",
  "wrongKeyServerName",
  "expiringCert",
  "wrongNameCert",
  "selfSignedCert",
  "tls12Only",
] as const;
/** Nothing listens on port 1 (tcpmux, privileged): a refused connection that no other test server can take over. */
export const DEAD_PORT = 1;
export const DEAD = `127.0.0.1:${DEAD_PORT}`;

/** Faults after which federation still works (warnings at most). */
export const STILL_OK = new Set<string>(["expiringCert", "tls12Only"]);

export type World = {
  fleet: FakeFleet;
  dns: TestDnsServer;
  db: TestDatabase;
  pool: pg.Pool;
  server: RunningServer;
  env: Record<string, string>;
  tokens: { admin: string; limited: string; viewer: string };
  close(): Promise<void>;
};

const account = (env: Record<string, string>, email: string, role: string) => memberWithToken(env, { email, role });

export async function startWorld(): Promise<World> {
  const fleet = await startFakeFleet(
    [
      { name: "healthy", behaviour: "healthy" },
      { name: "named", behaviour: "healthy", matrixName: "srv.fed.test" },
      { name: "delegated", behaviour: "healthy", matrixName: "deleg.fed.test" },
      { name: "blocked", behaviour: "healthy", host: "127.0.0.2" },
      { name: "wk", behaviour: { kind: "wellKnown", byHost: { "deleg.fed.test": "srvonly.fed.test" } } },
      ...FAULTS.map((f) => ({ name: f, behaviour: f })),
    ],
    { extraDnsNames: ["*.fed.test"] },
  );
  const port = (n: string) => fleet.server(n).port;
  const dns = await startTestDnsServer({
    a: {
      "host.fed.test": ["127.0.0.1"],
      "real.fed.test": ["127.0.0.1"],
      "deleg.fed.test": ["127.0.0.1"],
      "mixed.fed.test": ["127.0.0.1", "127.0.0.2"],
    },
    cname: { "alias.fed.test": "alias2.fed.test", "alias2.fed.test": "real.fed.test" },
    srv: {
      "_matrix-fed._tcp.srv.fed.test": [
        { priority: 10, weight: 5, port: port("named"), target: "host.fed.test" },
        { priority: 20, weight: 5, port: DEAD_PORT, target: "host.fed.test" },
      ],
      "_matrix-fed._tcp.srvonly.fed.test": [
        { priority: 10, weight: 0, port: port("delegated"), target: "alias.fed.test" },
      ],
      "_matrix-fed._tcp.mixed.fed.test": [{ priority: 10, weight: 0, port: port("blocked"), target: "mixed.fed.test" }],
    },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-checks-"));
  fs.chmodSync(dir, 0o755);
  const caFile = path.join(dir, "fleet-ca.pem");
  fs.writeFileSync(caFile, fleet.caPem);
  const db = await createTestDatabase();
  const env = {
    DATABASE_URL: db.url,
    FEDCONSOLE_DATA_DIR: dir,
    FEDERATION_SCHEDULER: "off",
    FEDERATION_CA_FILE: caFile,
    // 127.0.0.1 only: the fleet member on 127.0.0.2 stands for an address the guard blocks.
    FEDERATION_IP_RANGE_ALLOWLIST: "127.0.0.1/32",
    FEDERATION_DNS_SERVERS: dns.address,
    FEDERATION_WELL_KNOWN_PORT: String(port("wk")),
    FEDERATION_CHECK_TIMEOUT: "5s",
    FEDERATION_CHECK_HISTORY: "3",
    FEDERATION_CHECK_RATE_LIMIT: "60",
  };
  const server = await startServer(env);
  const [admin, limited, viewer] = await Promise.all([
    account(env, "admin@checks.test", "admin"),
    account(env, "limited@checks.test", "operator"),
    account(env, "viewer@checks.test", "viewer"),
  ]);
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  return {
    fleet,
    dns,
    db,
    pool,
    server,
    env,
    tokens: { admin, limited, viewer },
    async close() {
      await pool.end();
      await server.stop();
      await db.close();
      await dns.close();
      await fleet.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function call(w: World, token: string, method: string, pathAndQuery: string) {
  const res = await fetch(w.server.url + pathAndQuery, { method, headers: { Authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, text, type: res.headers.get("content-type") ?? "", json: () => JSON.parse(text) };
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("whoami")).toContainText(email);
}
