// GET /_matrix/client/{v3,r0}/account/whoami: who a bearer token belongs to, as a Matrix user.
// device_id is the token's visible prefix — what the token list shows and what login returned.
import type pg from "pg";
import type { HeaderReader } from "../http/api-request";
import { extractAccessToken } from "../auth/authenticate-request";
import { resolveTokenDetails } from "../auth/tokens";
import { toMatrixUserId } from "./matrix-user-id";

export type Whoami = { user_id: string; is_guest: false; device_id: string };

export async function whoami(
  pool: pg.Pool,
  headers: HeaderReader,
  query: URLSearchParams,
  serverName: string,
): Promise<Whoami> {
  // 401 for unknown or revoked tokens
  const { principal, token } = await resolveTokenDetails(pool, extractAccessToken(headers, query), "api");
  return { user_id: toMatrixUserId(principal.email, serverName), is_guest: false, device_id: token.prefix };
}
