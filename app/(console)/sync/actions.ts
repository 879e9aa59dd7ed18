"use server";
// Sync page actions: ask for a full pass now (the same lib function as fedctl and the API).
import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db";
import { requestSync } from "@/lib/upstream/request-sync";
import { mirrorContext } from "@/lib/upstream/mirror";
import { actionPrincipal } from "@/app/_auth/session";
import { runAction, type ActionResult } from "@/app/_auth/action-result";

export async function syncNowAction(): Promise<ActionResult<{ message: string }>> {
  return runAction(async () => {
    const actor = await actionPrincipal("operator", "start a sync");
    await requestSync((await getDb()).pool, actor, mirrorContext());
    revalidatePath("/sync");
    return { message: "Asked for a full pass; it starts within a poll interval." };
  });
}
