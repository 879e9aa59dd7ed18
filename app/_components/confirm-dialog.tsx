"use client";
// The confirmation of a bulk action: a modal <dialog> that states what will happen, with Cancel
// focused (the safe choice) and the action's button only when there is something to do.
import type { ReactNode, RefObject } from "react";
import { btnDanger, btnSecondary } from "@/app/_components/ui";

export function ConfirmDialog({
  dialogRef,
  id,
  title,
  body,
  bodyTestId,
  error,
  confirmLabel,
  onConfirm,
  pending,
}: {
  dialogRef: RefObject<HTMLDialogElement | null>;
  id: string;
  title: string;
  body: ReactNode;
  bodyTestId: string;
  error?: string | null;
  /** null: nothing to confirm (only Cancel is offered). */
  confirmLabel: string | null;
  onConfirm: () => void;
  pending: boolean;
}) {
  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={id}
      className="m-auto max-w-md rounded-lg border border-slate-300 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="p-4">
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        <p className="mt-2 text-sm" data-testid={bodyTestId}>
          {body}
        </p>
        {error ? (
          <p role="alert" className="mt-2 text-sm text-rose-700">
            {error}
          </p>
        ) : null}
        <div className="mt-4 flex justify-end gap-2">
          <button
            type="button"
            // biome-ignore lint/a11y/noAutofocus: the safe choice (Cancel) has the focus when the confirmation opens
            autoFocus
            onClick={() => dialogRef.current?.close()}
            className={btnSecondary}
          >
            Cancel
          </button>
          {confirmLabel !== null ? (
            <button type="button" onClick={onConfirm} disabled={pending} className={btnDanger}>
              {confirmLabel}
            </button>
          ) : null}
        </div>
      </div>
    </dialog>
  );
}
