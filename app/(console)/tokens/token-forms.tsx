"use client";
import { useActionState } from "react";
import { createTokenAction, revokeTokenAction, type CreateTokenState, type RevokeState } from "./actions";
import { CopyButton } from "@/app/_components/copy-button";

export function CreateTokenForm() {
  const [state, action, pending] = useActionState<CreateTokenState, FormData>(createTokenAction, null);
  return (
    <div>
      <form action={action} className="flex flex-wrap items-end gap-2" aria-label="Create an API token">
        <label className="flex flex-col text-xs font-medium text-slate-700">
          Name
          <input
            name="name"
            maxLength={100}
            placeholder="e.g. monitoring script"
            className="w-64 rounded border border-slate-300 bg-white px-2 py-1 text-sm focus:border-sky-600 focus:outline-none focus:ring-2 focus:ring-sky-500/40"
          />
        </label>
        <button
          type="submit"
          disabled={pending}
          className="rounded border border-sky-700 bg-sky-700 px-2.5 py-1 text-sm font-medium text-white hover:bg-sky-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-60"
        >
          {pending ? "Creating…" : "Create token"}
        </button>
      </form>
      {state && !state.ok ? (
        <p role="alert" className="mt-2 text-sm text-rose-700">
          {state.error}
        </p>
      ) : null}
      {state?.ok ? (
        <div
          role="status"
          className="mt-2 rounded border border-emerald-300 bg-emerald-50 p-2 text-sm text-emerald-950"
        >
          <p>Token “{state.name}” created. Copy it now: it is shown only once and stored only as a hash.</p>
          <div className="mt-1 flex flex-wrap items-center gap-2">
            <code className="break-all rounded bg-white px-1.5 py-0.5 font-mono text-xs" data-testid="new-token">
              {state.token}
            </code>
            <CopyButton text={state.token} />
          </div>
          <p className="mt-1 text-xs">
            Use it as <code>Authorization: Bearer &lt;token&gt;</code> on{" "}
            <code>/_synapse/admin/v1/federation/destinations</code>.
          </p>
        </div>
      ) : null}
    </div>
  );
}

export function RevokeForm({ id, label }: { id: string; label: string }) {
  const [state, action, pending] = useActionState<RevokeState, FormData>(revokeTokenAction, null);
  return (
    <form
      action={action}
      onSubmit={(e) => {
        if (!window.confirm(`Revoke ${label}? Scripts using it stop working at once.`)) e.preventDefault();
      }}
    >
      <input type="hidden" name="id" value={id} />
      <button
        type="submit"
        disabled={pending}
        aria-label={`Revoke ${label}`}
        className="rounded border border-rose-300 bg-white px-2 py-0.5 text-xs font-medium text-rose-800 hover:bg-rose-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-60"
      >
        Revoke
      </button>
      {state && !state.ok ? (
        <span role="alert" className="ml-1 text-xs text-rose-700">
          {state.error}
        </span>
      ) : null}
    </form>
  );
}
