"use server";
// API tokens from the console: every user manages their own; admins also revoke anyone's.
// Only actions are exported.
import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db";
import { createToken, revokeToken } from "@/lib/auth/tokens";
import { createTokenInput, revokeTokenInput } from "@/lib/auth/token-input";
import { parseInput } from "@/lib/http/action-input";
import { actionPrincipal } from "@/app/_auth/session";
import { runAction, type ActionResult } from "@/app/_auth/action-result";

export type CreateTokenState = ActionResult<{ token: string; name: string }> | null;
export type RevokeState = ActionResult<{ message: string }> | null;

export async function createTokenAction(_prev: CreateTokenState, form: FormData): Promise<CreateTokenState> {
  return runAction(async () => {
    const actor = await actionPrincipal("viewer", "create API tokens");
    const { name } = parseInput(createTokenInput, form);
    const { prisma } = await getDb();
    const r = await createToken(prisma, actor, { name });
    revalidatePath("/tokens");
    return { token: r.token, name: r.row.name };
  });
}

export async function revokeTokenAction(_prev: RevokeState, form: FormData): Promise<RevokeState> {
  return runAction(async () => {
    const actor = await actionPrincipal("viewer", "revoke API tokens");
    const { id } = parseInput(revokeTokenInput, form);
    const { prisma } = await getDb();
    const t = await revokeToken(prisma, actor, id);
    revalidatePath("/tokens");
    return { message: `Revoked “${t.name}” (${t.prefix}…).` };
  });
}
