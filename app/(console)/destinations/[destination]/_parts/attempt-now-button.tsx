"use client";
// "Attempt now" (operators and admins): one attempt at once through the scheduler's path, the
// result in a short line; the page then shows it in the history (trigger Manual). A plain form
// posting to the server action (works before hydration too).
import { useActionState } from "react";
import { ACTION_BUTTON, ActionResultLine } from "@/app/_components/action-result-line";
import { attemptNowAction, type AttemptNowState } from "../../actions";

export function AttemptNowButton({ destination }: { destination: string }) {
  const [state, action, pending] = useActionState<AttemptNowState, FormData>(attemptNowAction, null);
  return (
    <form action={action} className="inline-flex max-w-md flex-col items-start gap-1">
      <input type="hidden" name="destination" value={destination} />
      <button
        type="submit"
        disabled={pending}
        title={`Contact ${destination} now, without waiting for the schedule. A success clears a backoff; a failure changes no retry timing.`}
        className={`${ACTION_BUTTON} border-slate-400 bg-white text-slate-800 hover:bg-slate-50`}
      >
        {pending ? "Attempting…" : "Attempt now"}
      </button>
      <ActionResultLine state={state} testId="attempt-now-result" />
    </form>
  );
}
