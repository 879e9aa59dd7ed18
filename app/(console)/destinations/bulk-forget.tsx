"use client";
// "Forget dead…": asks the server how many dead destinations (failing longer than
// FEDCONSOLE_DEAD_AFTER) match the list's filter, states the count, and forgets exactly that
// many; if the number changed meanwhile the server refuses and the dialog shows the new count.
import { useRef, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { bulkForgetAction, previewBulkForgetAction } from "./manage-actions";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { btnSecondary } from "@/app/_components/ui";

export function BulkForget({
  search,
  status,
  filterWords,
  deadAfter,
  max,
}: {
  search: string;
  status: string | null;
  filterWords: string;
  deadAfter: string;
  max: number;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const [count, setCount] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const filter = { search, status };

  const preview = async () => {
    const r = await previewBulkForgetAction(filter);
    if (!r.ok) return setError(r.error);
    setCount(r.count);
    dialog.current?.showModal();
  };
  const open = () =>
    start(async () => {
      setError(null);
      setDone(null);
      await preview();
    });
  const confirm = () =>
    start(async () => {
      const r = await bulkForgetAction({ ...filter, count: count ?? 0 });
      if (!r.ok) {
        setError(r.error);
        return preview(); // show the current count
      }
      dialog.current?.close();
      setError(null);
      setDone(r.message);
      router.refresh();
    });
  const n = count ?? 0;
  const words = `${n.toLocaleString("en-US")} dead destination${n === 1 ? "" : "s"}`;

  return (
    <div className="flex flex-col items-end gap-1">
      <button type="button" onClick={open} disabled={pending} className={btnSecondary}>
        Forget dead…
      </button>
      {error && !dialog.current?.open ? (
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
        id="forget-dead-title"
        title="Forget dead destinations"
        bodyTestId="forget-dead-count"
        body={
          n === 0
            ? `No destination matching ${filterWords} has been failing longer than ${deadAfter}. Nothing to forget.`
            : n > max
              ? `${words} match ${filterWords}: more than ${max.toLocaleString("en-US")} at once. Narrow the search or filter.`
              : `This forgets ${words} (failing longer than ${deadAfter}) matching ${filterWords}, with their rooms and attempt history. The audit log keeps what each was.`
        }
        error={error}
        confirmLabel={n > 0 && n <= max ? (pending ? "Forgetting…" : `Forget ${n.toLocaleString("en-US")}`) : null}
        onConfirm={confirm}
        pending={pending}
      />
    </div>
  );
}
