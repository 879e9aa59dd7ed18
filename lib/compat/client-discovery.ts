// What Synapse admin UIs probe before and right after logging in: client discovery
// (/.well-known/matrix/client), spec versions, login flows and the server version.
// Answered honestly: we are not Synapse and only speak the small part of the client API
// those UIs need (see README "Use with Ketesa / synapse-admin").
import type { JsonValue } from "../http/json";
import pkg from "@/package.json" with { type: "json" };

/** /.well-known/matrix/client: points clients back at this console. */
export function wellKnownClientJson(baseUrl: string): JsonValue {
  return { "m.homeserver": { base_url: baseUrl } };
}

/**
 * The client-server spec versions whose endpoints we serve in part: login, whoami and profile
 * under /_matrix/client/r0 (r0.6.1) and /_matrix/client/v3 (v1.1 and later).
 */
export const CLIENT_VERSIONS = ["r0.6.1", "v1.1"] as const;

export function clientVersionsJson(): JsonValue {
  return { versions: [...CLIENT_VERSIONS], unstable_features: {} };
}

/** Only password login (team member e-mail + password); no SSO, no token login. */
export function loginFlowsJson(): JsonValue {
  return { flows: [{ type: "m.login.password" }] };
}

/**
 * GET /_synapse/admin/v1/server_version. The admin UIs only display this string ("Synapse
 * v…"), so it says what answers instead of pretending to be a Synapse release.
 */
export function serverVersionJson(): JsonValue {
  return { server_version: `${pkg.version} (Federation Console)` };
}
