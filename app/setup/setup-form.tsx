"use client";
import { useActionState } from "react";
import { setupAction, type SetupState } from "./actions";
import { btnPrimary, input } from "@/app/_components/ui";

const label = "block text-sm font-medium";
const field = `${input} mt-1 block w-full`;

export function SetupForm({ local, minLength }: { local: boolean; minLength: number }) {
  const [state, action, pending] = useActionState<SetupState, FormData>(setupAction, { error: null, email: "" });
  return (
    <form action={action} className="space-y-3" aria-label="Create the first admin">
      {state.error ? (
        <p role="alert" className="rounded border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-900">
          {state.error}
        </p>
      ) : null}
      <label className={label}>
        Email
        <input
          name="email"
          type="email"
          autoComplete="username"
          required
          defaultValue={state.email}
          className={field}
        />
      </label>
      <label className={label}>
        Password (at least {minLength} characters)
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={minLength}
          required
          className={field}
        />
      </label>
      <label className={label}>
        Password again
        <input
          name="repeat"
          type="password"
          autoComplete="new-password"
          minLength={minLength}
          required
          className={field}
        />
      </label>
      <label className={label}>
        Setup code{local ? " (not needed from this machine)" : ""}
        <input
          name="code"
          autoComplete="off"
          spellCheck={false}
          required={!local}
          placeholder="XXXX-XXXX-XXXX-XXXX"
          className={`${field} font-mono`}
        />
      </label>
      <button type="submit" disabled={pending} className={`${btnPrimary} w-full justify-center`}>
        {pending ? "Creating…" : "Create admin and sign in"}
      </button>
    </form>
  );
}
