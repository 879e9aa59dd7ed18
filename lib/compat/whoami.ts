// GET /_matrix/client/{v3,r0}/account/whoami: who a bearer token belongs to, as a Matrix user.
// device_id is the token's visible prefix — what the token list shows and what login returned.
import type { PrismaClient } from "../generated/prisma/client";
import { extractAccessToken } from "../auth/authenticate-request";
import { hashToken, resolveToken } from "../auth/tokens";
import { toMatrixUserId } from "./matrix-user-id";

export type Whoami = { user_id: string; is_guest: false; device_id: string };

export async function whoami(prisma: PrismaClient, headers: Headers, query: URLSearchParams, serverName: string): Promise<Whoami> {
  const secret = extractAccessToken(headers, query);
  const actor = await resolveToken(prisma, secret, "api"); // 401 for unknown or revoked tokens
  const t = await prisma.apiToken.findUnique({ where: { tokenHash: hashToken(secret) }, select: { prefix: true } });
  return { user_id: toMatrixUserId(actor.email, serverName), is_guest: false, device_id: t?.prefix ?? "" };
}
