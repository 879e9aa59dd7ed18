// POST /_matrix/client/{v3,r0}/logout: the admin UIs call it on "Logout" (older synapse-admin
// releases do not catch its failure). A token that a Matrix password login created is revoked
// (audited, like a revocation anywhere else); any other token — typically a team token pasted
// into Ketesa and shared with scripts — is left working: revoke those with fedctl or the console.
import type { PrismaClient } from "../generated/prisma/client";
import { extractAccessToken } from "../auth/authenticate-request";
import { hashToken, resolveToken, revokeToken } from "../auth/tokens";
import { LOGIN_TOKEN_NAME_PREFIX } from "./password-login";

export async function logout(prisma: PrismaClient, headers: Headers, query: URLSearchParams): Promise<{ revoked: boolean }> {
  const secret = extractAccessToken(headers, query);
  const actor = await resolveToken(prisma, secret, "api"); // 401 for unknown or revoked tokens
  const t = await prisma.apiToken.findUnique({ where: { tokenHash: hashToken(secret) }, select: { id: true, name: true } });
  if (!t || !t.name.startsWith(LOGIN_TOKEN_NAME_PREFIX)) return { revoked: false };
  await revokeToken(prisma, actor, t.id);
  return { revoked: true };
}
