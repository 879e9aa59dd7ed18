// GET /_matrix/client/{v3,r0}/profile/<user_id>: a team member's display name (their e-mail
// address). Admins may look up any member; everyone else only themselves, as the users API
// shows them (list-users-synapse.ts). Anyone else's id — another member, an unknown one, an id
// of another server — gets the same 404 "Profile was not found" that Synapse answers for an
// unknown user, before any lookup, so the answer never confirms who is on the team. (Synapse,
// when it limits profile lookups, answers 403; a 403 would make synapse-admin log out.)
import type { PrismaClient } from "../generated/prisma/client";
import { AppError } from "../errors";
import { hasRole, type Principal } from "../auth/principal";
import { matrixUserIdToEmail } from "./matrix-user-id";

export type Profile = { displayname: string };

const NOT_FOUND = "Profile was not found";

export async function getProfile(
  prisma: PrismaClient,
  actor: Principal,
  userId: string,
  serverName: string,
): Promise<Profile> {
  const email = matrixUserIdToEmail(userId, serverName);
  if (!email || (!hasRole(actor, "admin") && email !== actor.email)) throw new AppError("not_found", NOT_FOUND);
  const user = await prisma.user.findUnique({ where: { email }, select: { email: true } });
  if (!user) throw new AppError("not_found", NOT_FOUND);
  return { displayname: user.email };
}
