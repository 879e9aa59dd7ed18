"use client";
// "Attempt now" (operators and admins): one attempt at once through the scheduler's path, the
// result in a short line; the page then shows it in the history (trigger Manual). A plain form
// posting to the server action (works before hydration too).
import { useActionState } from "react";
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
        className="rounded border border-slate-400 bg-white px-3 py-1 text-sm font-medium text-slate-800 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:cursor-not-allowed disabled:opacity-60"
      >
        {pending ? "Attempting…" : "Attempt now"}
      </button>
      {state && !state.ok ? (
        <span role="alert" className="text-xs text-rose-700" data-testid="attempt-now-result">
          {state.error}
        </span>
      ) : null}
      {state?.ok ? (
        <span role="status" className="text-xs text-slate-700" data-testid="attempt-now-result">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
