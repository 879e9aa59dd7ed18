"use server";
// Federation checks from the console: the same lib functions as the API and fedctl, the
// session and role re-checked here (every export of this file is a public POST endpoint).
import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db";
import { processCheckEnv } from "@/lib/checks/check-env";
import { checkInput } from "@/lib/checks/check-input";
import { checkServer } from "@/lib/checks/check-server";
import { flushDiscovery } from "@/lib/destinations/flush-discovery";
import { destinationPath } from "@/lib/destinations/detail-query";
import { parseInput } from "@/lib/http/action-input";
import { actionPrincipal } from "@/app/_auth/session";
import { runAction, type ActionResult } from "@/app/_auth/action-result";

export type CheckState = ActionResult<{ id: string; message: string }> | null;

/** "Check now" on a destination's page: any signed-in role (a check changes nothing). */
export async function checkDestinationAction(_prev: CheckState, form: FormData): Promise<CheckState> {
  return runAction(async () => {
    const actor = await actionPrincipal("viewer", "run federation checks");
    const { server_name } = parseInput(checkInput, form);
    const { pool } = await getDb();
    const stored = await checkServer(pool, actor, server_name, processCheckEnv(), { destinationOnly: true });
    revalidatePath(destinationPath(server_name));
    return { id: stored.id.toString(), message: stored.headline ?? "" };
  });
}

/** "Check a server": any name, operators and admins. */
export async function checkAnyServerAction(_prev: CheckState, form: FormData): Promise<CheckState> {
  return runAction(async () => {
    const actor = await actionPrincipal("operator", "check a server that is not a destination");
    const { server_name } = parseInput(checkInput, form);
    const { pool } = await getDb();
    const stored = await checkServer(pool, actor, server_name, processCheckEnv());
    return { id: stored.id.toString(), message: stored.headline ?? "" };
  });
}

export type FlushState = ActionResult<{ message: string }> | null;

export async function flushDiscoveryAction(_prev: FlushState, form: FormData): Promise<FlushState> {
  return runAction(async () => {
    const actor = await actionPrincipal("operator", "flush cached discovery");
    const { server_name } = parseInput(checkInput, form);
    const { pool } = await getDb();
    await flushDiscovery(pool, actor, server_name);
    return { message: "Cached discovery flushed: the next attempt looks the delegation up afresh." };
  });
}
