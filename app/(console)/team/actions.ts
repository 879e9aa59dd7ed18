"use server";
// Team management (admin): the same lib functions as fedctl. Only actions are exported.
import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db";
import { addUser, removeUser, setUserRole } from "@/lib/auth/users";
import { parseRole } from "@/lib/auth/principal";
import { actionPrincipal } from "../../_auth/session";
import { runAction, type ActionResult } from "../../_auth/action-result";

export type TeamState = ActionResult<{ message: string; generatedPassword?: string }> | null;

export async function addUserAction(_prev: TeamState, form: FormData): Promise<TeamState> {
  return runAction(async () => {
    const actor = await actionPrincipal("admin", "add users");
    const password = String(form.get("password") ?? "");
    const { prisma } = await getDb();
    const r = await addUser(prisma, actor, {
      email: String(form.get("email") ?? ""),
      role: parseRole(String(form.get("role") ?? "")),
      password: password || undefined,
    });
    revalidatePath("/team");
    return { message: `Added ${r.user.email} as ${r.user.role}.`, generatedPassword: r.generatedPassword };
  });
}

export async function setRoleAction(_prev: TeamState, form: FormData): Promise<TeamState> {
  return runAction(async () => {
    const actor = await actionPrincipal("admin", "change roles");
    const { prisma } = await getDb();
    const u = await setUserRole(
      prisma,
      actor,
      String(form.get("email") ?? ""),
      parseRole(String(form.get("role") ?? "")),
    );
    revalidatePath("/team");
    return { message: `${u.email} is now ${u.role}.` };
  });
}

export async function removeUserAction(_prev: TeamState, form: FormData): Promise<TeamState> {
  return runAction(async () => {
    const actor = await actionPrincipal("admin", "remove users");
    const email = String(form.get("email") ?? "");
    const { prisma } = await getDb();
    await removeUser(prisma, actor, email);
    revalidatePath("/team");
    return { message: `Removed ${email} and their API tokens.` };
  });
}
