"use client";
// "Forget…" (admins, standalone): a dialog where the destination's name is typed again to
// confirm. A destination that is not dead (failing longer than FEDCONSOLE_DEAD_AFTER) can only
// be forgotten with "forget it anyway" ticked. After forgetting, the action sends the browser
// back to the list.
import { useActionState, useRef, useState } from "react";
import { forgetDestinationAction, type ForgetState } from "../../manage-actions";
import { btnDanger, btnSecondary, input } from "@/app/_components/ui";

export function ForgetDestination({
  destination,
  dead,
  deadAfter,
}: {
  destination: string;
  dead: boolean;
  deadAfter: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState("");
  const [state, action, pending] = useActionState<ForgetState, FormData>(forgetDestinationAction, null);
  return (
    <section aria-label="Forget" className="mb-3">
      <button type="button" className={btnSecondary} onClick={() => dialog.current?.showModal()}>
        Forget…
      </button>
      <dialog
        ref={dialog}
        aria-labelledby="forget-title"
        className="m-auto w-[min(30rem,calc(100vw-2rem))] rounded-lg border border-slate-300 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40"
      >
        <form action={action} className="flex flex-col gap-2 p-4">
          <h2 id="forget-title" className="text-base font-semibold">
            Forget <span className="break-all font-mono">{destination}</span>
          </h2>
          <p className="text-sm">
            This removes the destination with its shared rooms and attempt history. The audit log keeps what it was.
            {dead
              ? ""
              : ` It is not dead (failing longer than ${deadAfter}), so it is only forgotten if you say so below.`}
          </p>
          <input type="hidden" name="destination" value={destination} />
          <label htmlFor="forget-confirm" className="text-sm">
            Type <code className="break-all font-mono">{destination}</code> to confirm
          </label>
          <input
            id="forget-confirm"
            name="confirm"
            autoComplete="off"
            spellCheck={false}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            className={`${input} font-mono`}
          />
          {dead ? null : (
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="force" /> Forget it anyway, although it is not dead
            </label>
          )}
          {state && !state.ok ? (
            <p role="alert" className="text-sm text-rose-700">
              {state.error}
            </p>
          ) : null}
          <div className="mt-2 flex justify-end gap-2">
            <button type="button" className={btnSecondary} onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" className={btnDanger} disabled={pending}>
              {pending ? "Forgetting…" : "Forget"}
            </button>
          </div>
        </form>
      </dialog>
    </section>
  );
}
