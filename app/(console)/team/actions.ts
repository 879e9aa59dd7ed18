"use server";
// Team management (admin): the same lib functions as fedctl. Only actions are exported.
import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db";
import { addUser, removeUser, setUserRole } from "@/lib/auth/users";
import { addUserInput, removeUserInput, setRoleInput } from "@/lib/auth/team-input";
import { parseInput } from "@/lib/http/action-input";
import { setMemberPassword } from "@/lib/auth/account";
import { setPasswordInput } from "@/lib/auth/account-input";
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

export async function setPasswordAction(_prev: TeamState, form: FormData): Promise<TeamState> {
  return runAction(async () => {
    const actor = await actionPrincipal("admin", "set members' passwords");
    const { email, password } = parseInput(setPasswordInput, form);
    const { pool } = await getDb();
    const r = await setMemberPassword(pool, actor, email, password);
    return {
      message: `New password set for ${r.email}; their sessions ended.`,
      generatedPassword: r.generatedPassword,
    };
  });
}
