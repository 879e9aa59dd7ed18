"use client";
import { useActionState } from "react";
import { loginAction, type LoginState } from "./actions";

export function LoginForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<LoginState, FormData>(loginAction, { error: null, email: "" });
  return (
    <form action={action} className="space-y-3" aria-describedby={state.error ? "login-error" : undefined}>
      <input type="hidden" name="next" value={next} />
      {state.error ? (
        <p
          id="login-error"
          role="alert"
          className="rounded border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-900"
        >
          {state.error}
        </p>
      ) : null}
      <label className="block text-sm font-medium">
        Email
        <input
          name="email"
          type="email"
          autoComplete="username"
          required
          // biome-ignore lint/a11y/noAutofocus: the sign-in page has one job; its first field takes the focus
          autoFocus
          defaultValue={state.email}
          className="mt-1 block w-full rounded border border-slate-300 px-2 py-1.5 focus:border-sky-600 focus:outline-none focus:ring-2 focus:ring-sky-500/40"
        />
      </label>
      <label className="block text-sm font-medium">
        Password
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="mt-1 block w-full rounded border border-slate-300 px-2 py-1.5 focus:border-sky-600 focus:outline-none focus:ring-2 focus:ring-sky-500/40"
        />
      </label>
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded bg-sky-700 px-3 py-1.5 font-medium text-white hover:bg-sky-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-60"
      >
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
