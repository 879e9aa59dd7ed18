"use client";
// "Sync now" on the sync page.
import { useState, useTransition } from "react";
import { syncNowAction } from "./actions";

export function SyncNowButton() {
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <div className="flex items-center gap-2">
      <button
        type="button"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const r = await syncNowAction();
            setMessage(r.ok ? { ok: true, text: r.message } : { ok: false, text: r.error });
          })
        }
        className="rounded bg-sky-700 px-3 py-1 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
      >
        {pending ? "Asking…" : "Sync now"}
      </button>
      {message ? (
        <span role="status" className={`text-sm ${message.ok ? "text-emerald-800" : "text-rose-800"}`}>
          {message.text}
        </span>
      ) : null}
    </div>
  );
}
