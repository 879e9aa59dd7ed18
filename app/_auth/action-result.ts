// What every console server action answers: ok with data, or an error message safe to show.
// Expected errors (AppError) pass their message through; anything else is logged and answered
// generically, never with internals.
import { isAppError } from "@/lib/errors";
import { isDatabaseDown } from "@/lib/db/errors";

export const DATABASE_DOWN_MESSAGE =
  "The database is not reachable right now, so nothing was changed. Try again in a moment.";

export type ActionResult<T = Record<string, never>> = ({ ok: true } & T) | { ok: false; error: string };

export async function runAction<T extends object>(fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, ...(await fn()) };
  } catch (e) {
    if (isAppError(e)) return { ok: false, error: e.message };
    if (isDatabaseDown(e)) return { ok: false, error: DATABASE_DOWN_MESSAGE };
    console.error(`[console] action failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return {
      ok: false,
      error: "Something went wrong on the server; the change was not made. Try again, or check the server log.",
    };
  }
}
