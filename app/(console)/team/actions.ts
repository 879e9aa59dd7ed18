"use server";
// Team management (admin): the same lib functions as fedctl. Only actions are exported.
import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db";
import { addUser, removeUser, setUserRole } from "@/lib/auth/users";
import { addUserInput, removeUserInput, setRoleInput } from "@/lib/auth/team-input";
import { parseInput } from "@/lib/http/action-input";
import { actionPrincipal } from "@/app/_auth/session";
import { runAction, type ActionResult } from "@/app/_auth/action-result";

export type TeamState = ActionResult<{ message: string; generatedPassword?: string }> | null;

export async function addUserAction(_prev: TeamState, form: FormData): Promise<TeamState> {
  return runAction(async () => {
    const actor = await actionPrincipal("admin", "add users");
    const input = parseInput(addUserInput, form);
    const { prisma } = await getDb();
    const r = await addUser(prisma, actor, input);
    revalidatePath("/team");
    return { message: `Added ${r.user.email} as ${r.user.role}.`, generatedPassword: r.generatedPassword };
  });
}

export async function setRoleAction(_prev: TeamState, form: FormData): Promise<TeamState> {
  return runAction(async () => {
    const actor = await actionPrincipal("admin", "change roles");
    const { email, role } = parseInput(setRoleInput, form);
    const { prisma } = await getDb();
    const u = await setUserRole(prisma, actor, email, role);
    revalidatePath("/team");
    return { message: `${u.email} is now ${u.role}.` };
  });
}

export async function removeUserAction(_prev: TeamState, form: FormData): Promise<TeamState> {
  return runAction(async () => {
    const actor = await actionPrincipal("admin", "remove users");
    const { email } = parseInput(removeUserInput, form);
    const { prisma } = await getDb();
    await removeUser(prisma, actor, email);
    revalidatePath("/team");
    return { message: `Removed ${email} and their API tokens.` };
  });
}
