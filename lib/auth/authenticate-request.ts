// Synapse's access-token extraction: `Authorization: Bearer <token>` or `?access_token=`,
// never both.
import type pg from "pg";
import type { HeaderReader } from "../http/api-request";
import { AppError } from "../errors";
import { resolveToken } from "./tokens";
import type { Principal } from "./principal";

export function extractAccessToken(headers: HeaderReader, query: URLSearchParams): string {
  const header = headers.get("authorization");
  const fromQuery = query.get("access_token");
  if (header !== null && fromQuery !== null) {
    throw new AppError("missing_token", "Mixing Authorization headers and access_token query parameters.");
  }
  if (header !== null) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new AppError("missing_token", "Invalid Authorization header.");
    return m[1];
  }
  if (fromQuery) return fromQuery;
  throw new AppError("missing_token", "Missing access token");
}

export async function authenticateRequest(
  pool: pg.Pool,
  headers: HeaderReader,
  query: URLSearchParams,
): Promise<Principal> {
  return resolveToken(pool, extractAccessToken(headers, query), "api");
}
