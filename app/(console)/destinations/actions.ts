"use server";
// Destination changes from the console: the same lib functions as the HTTP API, with the
// session and role re-checked here (every export of this file is a public POST endpoint).
import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db";
import { resetConnection } from "@/lib/destinations/reset-connection";
import { bulkResetConnections, countBulkReset } from "@/lib/destinations/bulk-reset";
import { attemptNowInput, bulkResetInput, resetInput } from "@/lib/destinations/reset-input";
import { attemptNow } from "@/lib/destinations/attempt-now";
import { processAttemptNowEnv } from "@/lib/destinations/attempt-now-env";
import { manualAttemptWords } from "@/lib/destinations/manual-attempt-words";
import { parseInput } from "@/lib/http/action-input";
import { formatInteger } from "@/lib/destinations/humanize";
import { actionPrincipal } from "@/app/_auth/session";
import { runAction, type ActionResult } from "@/app/_auth/action-result";

export type ResetState = ActionResult<{ message: string }> | null;

export async function resetDestinationAction(_prev: ResetState, form: FormData): Promise<ResetState> {
  return runAction(async () => {
    const actor = await actionPrincipal("operator", "reset connections");
    const { destination } = parseInput(resetInput, form);
    const { pool } = await getDb();
    await resetConnection(pool, actor, destination);
    revalidatePath("/destinations", "layout");
    return { message: `Reset ${destination}: backoff cleared, attempting now.` };
  });
}

export type AttemptNowState = ActionResult<{ message: string; attemptId: string }> | null;

/** "Attempt now" on a destination's page: the same attemptNow as POST …/attempt; answers when it is recorded. */
export async function attemptNowAction(_prev: AttemptNowState, form: FormData): Promise<AttemptNowState> {
  return runAction(async () => {
    const actor = await actionPrincipal("operator", "attempt destinations now");
    const { destination } = parseInput(attemptNowInput, form);
    const { pool } = await getDb();
    const done = await attemptNow(pool, actor, destination, processAttemptNowEnv());
    revalidatePath("/destinations", "layout");
    return { message: manualAttemptWords(done), attemptId: done.attempt.id.toString() };
  });
}

/** The list's filter as the page holds it (search text, status filter or null). */
type FilterInput = { search?: unknown; status?: unknown };

/** How many destinations "reset all failing matching this filter" would reset (for the confirmation). */
export async function previewBulkResetAction(f: FilterInput): Promise<ActionResult<{ count: string }>> {
  return runAction(async () => {
    const actor = await actionPrincipal("operator", "reset connections");
    const filter = parseInput(bulkResetInput, f);
    const { pool } = await getDb();
    return { count: (await countBulkReset(pool, actor, filter)).toString() };
  });
}

export async function bulkResetAction(f: FilterInput): Promise<ActionResult<{ count: string; message: string }>> {
  return runAction(async () => {
    const actor = await actionPrincipal("operator", "reset connections");
    const filter = parseInput(bulkResetInput, f);
    const { pool } = await getDb();
    const { count, relayed } = await bulkResetConnections(pool, actor, filter);
    revalidatePath("/destinations", "layout");
    const reset = `Reset ${formatInteger(count)} failing destination${count === 1n ? "" : "s"}`;
    const refused = relayed?.failed
      ? `; the homeserver refused ${formatInteger(relayed.failed)} (${relayed.errors[0] ?? "no reason given"})`
      : "";
    return {
      count: count.toString(),
      message: relayed ? `${reset} on the homeserver${refused}; probing them now.` : `${reset}; attempting them now.`,
    };
  });
}
