// The homeserver's federation admin API paths (synapse/rest/admin/federation.py) and the one
// way this source reads them: a 2xx JSON answer, or an UpstreamError.
import type { JsonValue } from "../destinations/exact-json";
import type { UpstreamClient } from "./upstream-client";

export const DESTINATIONS_PATH = "/_synapse/admin/v1/federation/destinations";

export type ListOrder = "destination" | "retry_last_ts" | "failure_ts";

export function listPath(orderBy: ListOrder, dir: "f" | "b", from: number, limit: number): string {
  return `${DESTINATIONS_PATH}?order_by=${orderBy}&dir=${dir}&from=${from}&limit=${limit}`;
}

/**
 * One destination's path. Every byte that could leave the path segment is escaped ("/", "?",
 * "#", "%" …), and a name made of dots only is escaped too, so "." or ".." can never be read
 * as a relative segment: the request stays on the configured origin and path.
 */
export function destinationPath(name: string, suffix = ""): string {
  const segment = /^\.+$/.test(name) ? name.replace(/\./g, "%2E") : encodeURIComponent(name);
  return `${DESTINATIONS_PATH}/${segment}${suffix}`;
}

/** GET `path`; the parsed body of a 2xx answer, else the status's UpstreamError. */
export async function getOk(client: UpstreamClient, path: string, signal: AbortSignal): Promise<JsonValue> {
  const res = await client.get(path, signal);
  if (res.status < 200 || res.status >= 300) throw client.statusError("GET", path, res);
  // An empty body: null, which every page parser refuses as not the expected object.
  return res.json ?? null;
}

/**
 * Byte order of the UTF-8 encodings (PostgreSQL's C collation, which Synapse requires):
 * UTF-16 comparison agrees with it except around surrogates, which server names never hold.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  if (/[\ud800-\uffff]/.test(a) || /[\ud800-\uffff]/.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : 1;
}
