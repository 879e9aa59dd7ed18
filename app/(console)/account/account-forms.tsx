"use client";
import { useActionState } from "react";
import { changePasswordAction, signOutEverywhereAction, type AccountState } from "./actions";
import { btnPrimary, btnSecondary, input } from "@/app/_components/ui";

const label = "flex flex-col gap-1 text-xs font-medium text-slate-700";

function Result({ state }: { state: AccountState }) {
  if (!state) return null;
  return state.ok ? (
    <p role="status" className="text-sm text-emerald-800">
      {state.message}
    </p>
  ) : (
    <p role="alert" className="text-sm text-rose-700">
      {state.error}
    </p>
  );
}

export function ChangePasswordForm({ email, minLength }: { email: string; minLength: number }) {
  const [state, action, pending] = useActionState<AccountState, FormData>(changePasswordAction, null);
  return (
    <form action={action} className="flex max-w-sm flex-col gap-2" aria-label="Change your password">
      {/* For password managers: which account this is. */}
      <input type="hidden" name="username" autoComplete="username" value={email} />
      <label className={label}>
        Current password
        <input name="current" type="password" autoComplete="current-password" required className={input} />
      </label>
      <label className={label}>
        New password (at least {minLength} characters)
        <input
          name="next"
          type="password"
          autoComplete="new-password"
          minLength={minLength}
          required
          className={input}
        />
      </label>
      <label className={label}>
        New password again
        <input
          name="repeat"
          type="password"
          autoComplete="new-password"
          minLength={minLength}
          required
          className={input}
        />
      </label>
      <div>
        <button type="submit" disabled={pending} className={btnPrimary}>
          {pending ? "Changing…" : "Change password"}
        </button>
      </div>
      <Result state={state} />
    </form>
  );
}

export function SignOutEverywhereForm() {
  const [state, action, pending] = useActionState<AccountState>(signOutEverywhereAction, null);
  return (
    <form action={action} className="flex flex-col items-start gap-2">
      <button type="submit" disabled={pending} className={btnSecondary}>
        {pending ? "Signing out…" : "Sign out everywhere"}
      </button>
      <Result state={state} />
    </form>
  );
}
