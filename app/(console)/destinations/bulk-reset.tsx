"use client";
// "Reset all failing destinations matching this filter": asks the server how many that is,
// states it in a confirmation dialog, and only then resets.
import { useRef, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { bulkResetAction, previewBulkResetAction } from "./actions";

export function BulkReset({
  search,
  status,
  filterWords,
}: {
  search: string;
  status: string | null;
  filterWords: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const [count, setCount] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const filter = { search, status };

  const open = () =>
    start(async () => {
      setError(null);
      setDone(null);
      const r = await previewBulkResetAction(filter);
      if (!r.ok) return setError(r.error);
      setCount(r.count);
      dialog.current?.showModal();
    });
  const confirm = () =>
    start(async () => {
      const r = await bulkResetAction(filter);
      dialog.current?.close();
      if (!r.ok) return setError(r.error);
      setDone(r.message);
      router.refresh();
    });
  const n = count === null ? 0 : Number(count);

  return (
    <div className="flex flex-col items-end gap-1">
      <button
        type="button"
        onClick={open}
        disabled={pending}
        className="rounded border border-amber-700 bg-white px-2.5 py-1 text-sm font-medium text-amber-900 hover:bg-amber-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-60"
      >
        Reset all failing…
      </button>
      {error ? (
        <span role="alert" className="text-xs text-rose-700">
          {error}
        </span>
      ) : null}
      {done ? (
        <span role="status" className="text-xs text-emerald-800">
          {done}
        </span>
      ) : null}
      <dialog
        ref={dialog}
        aria-labelledby="bulk-title"
        className="m-auto max-w-md rounded-lg border border-slate-300 p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <div className="p-4">
          <h2 id="bulk-title" className="text-base font-semibold">
            Reset failing destinations
          </h2>
          <p className="mt-2 text-sm" data-testid="bulk-count">
            {n === 0
              ? `No failing destination matches ${filterWords}. Nothing to reset.`
              : `This resets ${Number(count).toLocaleString("en-US")} failing destination${n === 1 ? "" : "s"} matching ${filterWords}: their backoff is cleared and each is attempted now.`}
          </p>
          <div className="mt-4 flex justify-end gap-2">
            <button
              type="button"
              // biome-ignore lint/a11y/noAutofocus: the safe choice (Cancel) has the focus when the confirmation opens
              autoFocus
              onClick={() => dialog.current?.close()}
              className="rounded border border-slate-300 bg-white px-3 py-1 text-sm hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
            >
              Cancel
            </button>
            {n > 0 ? (
              <button
                type="button"
                onClick={confirm}
                disabled={pending}
                className="rounded border border-rose-700 bg-rose-700 px-3 py-1 text-sm font-medium text-white hover:bg-rose-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-60"
              >
                {pending ? "Resetting…" : `Reset ${Number(count).toLocaleString("en-US")}`}
              </button>
            ) : null}
          </div>
        </div>
      </dialog>
    </div>
  );
}
