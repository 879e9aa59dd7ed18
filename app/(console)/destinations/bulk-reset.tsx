"use client";
// "Reset all failing destinations matching this filter": asks the server how many that is,
// states it in a confirmation dialog, and only then resets.
import { useRef, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
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
      <ConfirmDialog
        dialogRef={dialog}
        id="bulk-title"
        title="Reset failing destinations"
        bodyTestId="bulk-count"
        body={
          n === 0
            ? `No failing destination matches ${filterWords}. Nothing to reset.`
            : `This resets ${n.toLocaleString("en-US")} failing destination${n === 1 ? "" : "s"} matching ${filterWords}: their backoff is cleared and each is attempted now.`
        }
        confirmLabel={n > 0 ? (pending ? "Resetting…" : `Reset ${n.toLocaleString("en-US")}`) : null}
        onConfirm={confirm}
        pending={pending}
      />
    </div>
  );
}
