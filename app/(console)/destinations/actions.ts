"use server";
// Destination changes from the console: the same lib functions as the HTTP API, with the
// session and role re-checked here (every export of this file is a public POST endpoint).
import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db";
import { resetConnection } from "@/lib/destinations/reset-connection";
import { bulkResetConnections, countBulkReset } from "@/lib/destinations/bulk-reset";
import { STATUS_FILTERS, type StatusFilter } from "@/lib/destinations/destination-status";
import { MAX_SEARCH_LENGTH } from "@/lib/destinations/console-list-query";
import { formatInteger } from "@/lib/destinations/humanize";
import { actionPrincipal } from "../../_auth/session";
import { runAction, type ActionResult } from "../../_auth/action-result";

export type ResetState = ActionResult<{ message: string }> | null;

export async function resetDestinationAction(_prev: ResetState, form: FormData): Promise<ResetState> {
  return runAction(async () => {
    const actor = await actionPrincipal("operator", "reset connections");
    const destination = String(form.get("destination") ?? "");
    const { pool } = await getDb();
    await resetConnection(pool, actor, destination);
    revalidatePath("/destinations", "layout");
    return { message: `Reset ${destination}: backoff cleared, attempting now.` };
  });
}

type FilterInput = { search?: unknown; status?: unknown };

function cleanFilter(f: FilterInput): { search: string; status: StatusFilter | null } {
  const search = typeof f.search === "string" ? f.search.replace(/\0/g, "").slice(0, MAX_SEARCH_LENGTH) : "";
  const status =
    typeof f.status === "string" && (STATUS_FILTERS as readonly string[]).includes(f.status)
      ? (f.status as StatusFilter)
      : null;
  return { search, status };
}

/** How many destinations "reset all failing matching this filter" would reset (for the confirmation). */
export async function previewBulkResetAction(f: FilterInput): Promise<ActionResult<{ count: string }>> {
  return runAction(async () => {
    const actor = await actionPrincipal("operator", "reset connections");
    const { pool } = await getDb();
    return { count: (await countBulkReset(pool, actor, cleanFilter(f))).toString() };
  });
}

export async function bulkResetAction(f: FilterInput): Promise<ActionResult<{ count: string; message: string }>> {
  return runAction(async () => {
    const actor = await actionPrincipal("operator", "reset connections");
    const { pool } = await getDb();
    const { count } = await bulkResetConnections(pool, actor, cleanFilter(f));
    revalidatePath("/destinations", "layout");
    return {
      count: count.toString(),
      message: `Reset ${formatInteger(count)} failing destination${count === 1n ? "" : "s"}; attempting them now.`,
    };
  });
}
