"use client";
// The console's check buttons: "Check now" (a destination), "Check" (any name, then shows the
// report) and "Flush cached discovery". Plain forms posting to server actions.
import { useActionState, useEffect } from "react";
import { useRouter } from "next/navigation";
import {
  checkAnyServerAction,
  checkDestinationAction,
  flushDiscoveryAction,
  type CheckState,
  type FlushState,
} from "../check/actions";
import { ACTION_BUTTON, ActionResultLine } from "@/app/_components/action-result-line";

export function CheckNowButton({ destination }: { destination: string }) {
  const [state, action, pending] = useActionState<CheckState, FormData>(checkDestinationAction, null);
  return (
    <form action={action} className="inline-flex flex-col items-start gap-1">
      <input type="hidden" name="server_name" value={destination} />
      <button
        type="submit"
        disabled={pending}
        className={`${ACTION_BUTTON} border-sky-700 bg-sky-700 text-white hover:bg-sky-800`}
      >
        {pending ? "Checking…" : "Check now"}
      </button>
      {state && !state.ok ? <ActionResultLine state={state} /> : null}
    </form>
  );
}

export function FlushDiscoveryButton({ destination }: { destination: string }) {
  const [state, action, pending] = useActionState<FlushState, FormData>(flushDiscoveryAction, null);
  return (
    <form action={action} className="inline-flex flex-col items-start gap-1">
      <input type="hidden" name="server_name" value={destination} />
      <button
        type="submit"
        disabled={pending}
        className={`${ACTION_BUTTON} border-slate-400 bg-white text-slate-800 hover:bg-slate-50`}
      >
        {pending ? "Flushing…" : "Flush cached discovery"}
      </button>
      <ActionResultLine state={state} />
    </form>
  );
}

export function CheckAnyServerForm({ initial }: { initial: string }) {
  const [state, action, pending] = useActionState<CheckState, FormData>(checkAnyServerAction, null);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) router.push(`/check?check=${state.id}`);
  }, [state, router]);
  return (
    <form action={action} className="mb-3 flex flex-wrap items-end gap-2">
      <label className="flex flex-col text-sm">
        Server name
        <input
          name="server_name"
          defaultValue={initial}
          required
          placeholder="matrix.example.org"
          className="w-80 rounded border border-slate-300 px-2 py-1 font-mono"
        />
      </label>
      <button
        type="submit"
        disabled={pending}
        className={`${ACTION_BUTTON} border-sky-700 bg-sky-700 text-white hover:bg-sky-800`}
      >
        {pending ? "Checking…" : "Check"}
      </button>
      {state && !state.ok ? <ActionResultLine state={state} /> : null}
    </form>
  );
}
