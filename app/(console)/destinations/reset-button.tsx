"use client";
// Reset for one destination: a form posting to the server action (works before hydration too).
// When a reset is not possible the button is disabled and says why.
import { useActionState } from "react";
import { resetDestinationAction, type ResetState } from "./actions";

export function ResetButton({
  destination,
  disabledReason,
  compact = false,
}: {
  destination: string;
  disabledReason: string | null;
  compact?: boolean;
}) {
  const [state, action, pending] = useActionState<ResetState, FormData>(resetDestinationAction, null);
  const base = compact ? "px-2 py-0.5 text-xs" : "px-3 py-1 text-sm";
  return (
    <form action={action} className="inline-flex flex-col items-start gap-1">
      <input type="hidden" name="destination" value={destination} />
      <button
        type="submit"
        disabled={pending || disabledReason !== null}
        title={disabledReason ?? `Clear the backoff of ${destination} and attempt it now`}
        aria-label={compact ? `Reset ${destination}` : undefined}
        className={`${base} rounded border border-sky-700 bg-sky-700 font-medium text-white hover:bg-sky-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:cursor-not-allowed disabled:border-slate-300 disabled:bg-slate-100 disabled:text-slate-500`}
      >
        {pending ? "Resetting…" : compact ? "Reset" : "Reset connection"}
      </button>
      {!compact && disabledReason ? (
        <span className="text-xs text-slate-600" data-testid="reset-disabled-reason">
          {disabledReason}
        </span>
      ) : null}
      {state && !state.ok ? (
        <span role="alert" className="text-xs text-rose-700">
          {state.error}
        </span>
      ) : null}
      {state?.ok && !compact ? (
        <span role="status" className="text-xs text-emerald-800">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
