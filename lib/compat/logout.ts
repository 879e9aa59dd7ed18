// POST /_matrix/client/{v3,r0}/logout: the admin UIs call it on "Logout" (older synapse-admin
// releases do not catch its failure). A token that a Matrix password login created is revoked
// (audited, like a revocation anywhere else); any other token — typically a team token pasted
// into Ketesa and shared with scripts — is left working: revoke those with fedctl or the console.
import type pg from "pg";
import type { HeaderReader } from "../http/api-request";
import type { PrismaClient } from "../generated/prisma/client";
import { extractAccessToken } from "../auth/authenticate-request";
import { resolveTokenDetails, revokeToken } from "../auth/tokens";
import { LOGIN_TOKEN_NAME_PREFIX } from "./password-login";

export async function logout(
  db: { pool: pg.Pool; prisma: PrismaClient },
  headers: HeaderReader,
  query: URLSearchParams,
): Promise<{ revoked: boolean }> {
  // 401 for unknown or revoked tokens
  const { principal, token } = await resolveTokenDetails(db.pool, extractAccessToken(headers, query), "api");
  if (!token.name.startsWith(LOGIN_TOKEN_NAME_PREFIX)) return { revoked: false };
  await revokeToken(db.prisma, principal, token.id);
  return { revoked: true };
}
