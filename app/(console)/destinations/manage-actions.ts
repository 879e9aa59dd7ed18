"use server";
// Adding and forgetting destinations from the console: the same lib functions as
// POST/DELETE /_fedconsole/v1/destinations, with the session and role re-checked here (every
// export of this file is a public POST endpoint).
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db";
import { addDestinations, splitPastedNames } from "@/lib/destinations/add-destinations";
import { forgetDestination } from "@/lib/destinations/forget-destination";
import { bulkForgetDead, countBulkForget } from "@/lib/destinations/bulk-forget";
import { addInput, bulkForgetInput, forgetInput } from "@/lib/destinations/forget-input";
import { bulkResetInput } from "@/lib/destinations/reset-input";
import { formatInteger } from "@/lib/destinations/humanize";
import { parseInput } from "@/lib/http/action-input";
import { actionPrincipal } from "@/app/_auth/session";
import { runAction, type ActionResult } from "@/app/_auth/action-result";

export type AddState = ActionResult<{
  added: string[];
  existing: string[];
  invalid: { destination: string; error: string }[];
}> | null;

export async function addDestinationsAction(_prev: AddState, form: FormData): Promise<AddState> {
  return runAction(async () => {
    const actor = await actionPrincipal("operator", "add destinations");
    const { names } = parseInput(addInput, form);
    const { pool } = await getDb();
    const r = await addDestinations(pool, actor, splitPastedNames(names));
    revalidatePath("/destinations", "layout");
    return r;
  });
}

export type ForgetState = ActionResult<{ message: string }> | null;

/** Forgets one destination; on success the browser goes back to the list (its page is gone). */
export async function forgetDestinationAction(_prev: ForgetState, form: FormData): Promise<ForgetState> {
  const r = await runAction(async () => {
    const actor = await actionPrincipal("admin", "forget destinations");
    const { destination, force } = parseInput(forgetInput, form);
    const { pool } = await getDb();
    await forgetDestination(pool, actor, destination, { force });
    revalidatePath("/destinations", "layout");
    return { message: `Forgot ${destination} with its rooms and attempt history.` };
  });
  if (r.ok) redirect("/destinations"); // outside runAction: the redirect is thrown
  return r;
}

type FilterInput = { search?: unknown; status?: unknown };

/** How many dead destinations "Forget dead" would forget with this filter (for the confirmation). */
export async function previewBulkForgetAction(f: FilterInput): Promise<ActionResult<{ count: number }>> {
  return runAction(async () => {
    const actor = await actionPrincipal("admin", "forget destinations");
    const filter = parseInput(bulkResetInput, f);
    const { pool } = await getDb();
    return { count: await countBulkForget(pool, actor, filter) };
  });
}

export async function bulkForgetAction(
  f: FilterInput & { count?: unknown },
): Promise<ActionResult<{ message: string }>> {
  return runAction(async () => {
    const actor = await actionPrincipal("admin", "forget destinations");
    const { count, ...filter } = parseInput(bulkForgetInput, f);
    const { pool } = await getDb();
    const n = await bulkForgetDead(pool, actor, filter, count);
    revalidatePath("/destinations", "layout");
    return { message: `Forgot ${formatInteger(n)} dead destination${n === 1 ? "" : "s"}.` };
  });
}
