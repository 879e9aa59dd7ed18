// A server (or scheduler process) with the retry scheduler on, a fresh database and a fake
// homeserver fleet on loopback, for the scheduler's end-to-end tests.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FakeFleet } from "../../lib/federation/testing/fake-fleet";

export function schedulerEnv(
  fleet: FakeFleet,
  databaseUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-fleet-"));
  const caFile = path.join(dir, "fleet-ca.pem");
  fs.writeFileSync(caFile, fleet.caPem);
  return {
    DATABASE_URL: databaseUrl,
    FEDCONSOLE_DATA_DIR: dir,
    FEDERATION_SCHEDULER: "on",
    FEDERATION_CA_FILE: caFile,
    // Loopback IPv4 opened for the fleet; ::1 stays blocked (the blocked-address case uses it).
    FEDERATION_IP_RANGE_ALLOWLIST: "127.0.0.0/8",
    FEDERATION_ATTEMPT_TIMEOUT: "2s",
    FEDERATION_HEALTH_INTERVAL: "0",
    FEDERATION_POLL_INTERVAL: "200",
    ...extra,
  };
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
