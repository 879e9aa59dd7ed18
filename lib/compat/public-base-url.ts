// The base URL clients reach us at, answered as m.homeserver.base_url in
// /.well-known/matrix/client (README "Use with Ketesa / synapse-admin").
import type { HeaderReader } from "../http/api-request";

/**
 * FEDCONSOLE_PUBLIC_URL when configured, else the request's own origin (its Host), with the
 * scheme from X-Forwarded-Proto when a proxy terminated TLS.
 */
export function publicBaseUrl(req: { url: string; headers: HeaderReader }, configured: string | undefined): string {
  if (configured) return configured;
  const u = new URL(req.url);
  const forwarded = req.headers.get("x-forwarded-proto")?.split(",")[0].trim().toLowerCase();
  const scheme = forwarded === "https" || forwarded === "http" ? forwarded : u.protocol.slice(0, -1);
  return `${scheme}://${u.host}`;
}
