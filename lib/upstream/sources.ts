// Which source a mirror reads from: the homeserver's database when FEDCONSOLE_UPSTREAM_DATABASE_URL
// is set, else its admin API; resets always go to the admin API (FEDCONSOLE_UPSTREAM_URL).
import type { Settings } from "../settings/settings";
import { createApiSource } from "./api-source";
import { createDatabaseSource } from "./database-source";
import type { UpstreamAdmin, UpstreamSource } from "./types";

export function createUpstreamSource(s: Settings): UpstreamSource {
  const u = s.upstream;
  if (!u) throw new Error("not in mirror mode");
  return u.databaseUrl ? createDatabaseSource(u, s.attempts) : createApiSource(u, s.attempts);
}

export function createUpstreamAdmin(s: Settings): UpstreamAdmin | undefined {
  const u = s.upstream;
  return u?.url ? createApiSource(u, s.attempts) : undefined;
}
