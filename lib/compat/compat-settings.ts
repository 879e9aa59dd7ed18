// Settings of the Synapse-client compatibility layer. FEDCONSOLE_SERVER_NAME is read by
// lib/config.ts; FEDCONSOLE_PUBLIC_URL is read here because lib/config.ts belongs to another
// change in flight — move it there when that lands (README lists both).
import { loadConfig } from "../config";

/** The homeserver name that Matrix-style user ids of team members end with. */
export const serverName = (): string => loadConfig().serverName;

/** FEDCONSOLE_PUBLIC_URL, validated and without a trailing slash; undefined when unset. */
export function configuredPublicUrl(raw = process.env.FEDCONSOLE_PUBLIC_URL): string | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new Error(`FEDCONSOLE_PUBLIC_URL must be an http(s) URL, got "${raw}"`);
  }
  if ((u.protocol !== "http:" && u.protocol !== "https:") || u.search || u.hash || u.username || u.password) {
    throw new Error(
      `FEDCONSOLE_PUBLIC_URL must be an http(s) URL without query, fragment or credentials, got "${raw}"`,
    );
  }
  return (u.origin + u.pathname).replace(/\/+$/, "");
}

/**
 * The base URL clients reach us at: FEDCONSOLE_PUBLIC_URL, else the request's own origin
 * (its Host), with the scheme from X-Forwarded-Proto when a proxy terminated TLS.
 */
export function publicBaseUrl(req: Request): string {
  const configured = configuredPublicUrl();
  if (configured) return configured;
  const u = new URL(req.url);
  const forwarded = req.headers.get("x-forwarded-proto")?.split(",")[0].trim().toLowerCase();
  const scheme = forwarded === "https" || forwarded === "http" ? forwarded : u.protocol.slice(0, -1);
  return `${scheme}://${u.host}`;
}
