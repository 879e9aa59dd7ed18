// Who is using the console, checked on the server for every page and every action. The role
// and the session version come from the database each time (a demoted or removed user loses
// access at once; a password change or "sign out everywhere" ends older sessions at once).
import { cache } from "react";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { principalForSession } from "@/lib/auth/session-principal";
import { requireRole, type Principal, type Role } from "@/lib/auth/principal";
import { auth } from "./auth";

// Once per request: the layout and the page both ask.
const currentPrincipal = cache(async (): Promise<Principal | null> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const version = (session.user as { sessionVersion?: unknown }).sessionVersion;
  const { pool } = await getDb();
  return principalForSession(pool, id, typeof version === "number" ? version : 0);
});

/** For pages: the signed-in principal, or a redirect to the login page. */
export async function pagePrincipal(returnTo?: string): Promise<Principal> {
  const p = await currentPrincipal();
  if (!p) redirect(returnTo ? `/login?next=${encodeURIComponent(returnTo)}` : "/login");
  return p;
}

/** For server actions (public POST endpoints): the principal with at least `role`, or an AppError. */
export async function actionPrincipal(role: Role, action: string): Promise<Principal> {
  const p = await currentPrincipal();
  if (!p) throw new AppError("missing_token", "Your session has ended. Sign in again.");
  requireRole(p, role, action);
  return p;
}

export async function optionalPrincipal(): Promise<Principal | null> {
  return currentPrincipal();
}
