// Every setting is an environment variable, read here and nowhere else (README lists them).
import path from "node:path";
import { parseDuration } from "./federation/duration";

export type Config = {
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  hostname: string;
  serverName: string;
  schedulerEnabled: boolean;
  dbPoolSize: number;
  /** DATABASE_CONNECT_TIMEOUT: a new connection that takes longer fails (the request answers 503). */
  dbConnectTimeoutMs: number;
  /** FEDCONSOLE_TRUST_PROXY: take the client address from X-Forwarded-For as a reverse proxy sent it. */
  trustProxy: boolean;
};

function intSetting(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return Number(raw);
}

function connectTimeout(): number {
  const raw = process.env.DATABASE_CONNECT_TIMEOUT?.trim() || "5s";
  const ms = parseDuration(raw, "DATABASE_CONNECT_TIMEOUT");
  if (ms < 100) throw new Error(`DATABASE_CONNECT_TIMEOUT must be at least 100 ms, got "${raw}"`);
  return ms;
}

export function loadConfig(): Config {
  const scheduler = (process.env.FEDERATION_SCHEDULER ?? "on").toLowerCase();
  if (!["on", "off", "true", "false", "1", "0"].includes(scheduler)) {
    throw new Error(`FEDERATION_SCHEDULER must be "on" or "off", got "${process.env.FEDERATION_SCHEDULER}"`);
  }
  const trustProxy = (process.env.FEDCONSOLE_TRUST_PROXY ?? "").trim().toLowerCase();
  if (!["", "true", "1", "false", "0"].includes(trustProxy)) {
    throw new Error(`FEDCONSOLE_TRUST_PROXY must be "true" or "false", got "${process.env.FEDCONSOLE_TRUST_PROXY}"`);
  }
  return {
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: path.resolve(/*turbopackIgnore: true*/ process.env.FEDCONSOLE_DATA_DIR || "data"),
    port: intSetting("PORT", 3000, 1),
    hostname: process.env.HOSTNAME || "127.0.0.1",
    serverName: process.env.FEDCONSOLE_SERVER_NAME || "localhost",
    schedulerEnabled: ["on", "true", "1"].includes(scheduler),
    dbPoolSize: intSetting("DATABASE_POOL_SIZE", 10, 1),
    dbConnectTimeoutMs: connectTimeout(),
    trustProxy: trustProxy === "true" || trustProxy === "1",
  };
}
