// A small form's answer under its button: the server action's error as an alert, its message
// as a status line (the check buttons, "Attempt now").
import type { ActionResult } from "@/app/_auth/action-result";

/** The look of those forms' buttons; each adds its colours. */
export const ACTION_BUTTON =
  "rounded border px-3 py-1 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:cursor-not-allowed disabled:opacity-60";

export function ActionResultLine({
  state,
  testId,
}: {
  state: ActionResult<{ message: string }> | null;
  testId?: string;
}) {
  if (state === null) return null;
  if (!state.ok) {
    return (
      <span role="alert" className="text-xs text-rose-700" data-testid={testId}>
        {state.error}
      </span>
    );
  }
  return (
    <span role="status" className="text-xs text-slate-700" data-testid={testId}>
      {state.message}
    </span>
  );
}
