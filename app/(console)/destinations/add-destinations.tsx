"use client";
// "Add destinations…": a paste box in a dialog (names one per line, or separated by spaces or
// commas); the answer says which were added (and are being attempted now), which were already
// known and which are not server names, and why.
import { useActionState, useRef } from "react";
import { addDestinationsAction, type AddState } from "./manage-actions";
import { btnPrimary, btnSecondary, input } from "@/app/_components/ui";

export function AddDestinations({ max }: { max: number }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [state, action, pending] = useActionState<AddState, FormData>(addDestinationsAction, null);
  return (
    <>
      <button type="button" className={btnSecondary} onClick={() => dialog.current?.showModal()}>
        Add destinations…
      </button>
      <dialog
        ref={dialog}
        aria-labelledby="add-title"
        className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-slate-300 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40"
      >
        <form action={action} className="flex flex-col gap-2 p-4">
          <h2 id="add-title" className="text-base font-semibold">
            Add destinations
          </h2>
          <label className="flex flex-col gap-1 text-sm" htmlFor="add-names">
            Server names: one per line, or separated by spaces or commas (at most {max.toLocaleString("en-US")})
          </label>
          <textarea id="add-names" name="names" rows={6} required className={`${input} font-mono`} />
          <p className="text-xs text-slate-600">New names are stored as never contacted and attempted at once.</p>
          <AddResult state={state} />
          <div className="mt-2 flex justify-end gap-2">
            <button type="button" className={btnSecondary} onClick={() => dialog.current?.close()}>
              Close
            </button>
            <button type="submit" className={btnPrimary} disabled={pending}>
              {pending ? "Adding…" : "Add"}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}

function AddResult({ state }: { state: AddState }) {
  if (!state) return null;
  if (!state.ok)
    return (
      <p role="alert" className="text-sm text-rose-700">
        {state.error}
      </p>
    );
  return (
    <div role="status" className="text-sm" data-testid="add-result">
      <p className="text-emerald-800">
        Added {state.added.length}
        {state.added.length ? `: ${state.added.join(", ")}` : ""}.
      </p>
      {state.existing.length ? <p>Already known: {state.existing.join(", ")}.</p> : null}
      {state.invalid.length ? (
        <ul className="mt-1 list-disc pl-5 text-rose-800">
          {state.invalid.map((i) => (
            <li key={i.destination} className="break-all">
              <code>{i.destination}</code>: {i.error}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
