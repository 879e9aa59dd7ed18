// GET /_matrix/client/{v3,r0}/profile/<user_id>: a team member's display name (their e-mail
// address). Any signed-in team member may look profiles up; others get 401 before this runs.
import type { PrismaClient } from "../generated/prisma/client";
import { AppError } from "../errors";
import type { Principal } from "../auth/principal";
import { matrixUserIdToEmail } from "./matrix-user-id";

export type Profile = { displayname: string };

export async function getProfile(
  prisma: PrismaClient,
  actor: Principal,
  userId: string,
  serverName: string,
): Promise<Profile> {
  void actor; // authenticated is enough: every team member sees the team
  const email = matrixUserIdToEmail(userId, serverName);
  const user = email ? await prisma.user.findUnique({ where: { email }, select: { email: true } }) : null;
  if (!user) throw new AppError("not_found", "Profile was not found");
  return { displayname: user.email };
}
