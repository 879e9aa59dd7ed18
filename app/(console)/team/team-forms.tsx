"use client";
import { useActionState } from "react";
import { addUserAction, removeUserAction, setPasswordAction, setRoleAction, type TeamState } from "./actions";
import { CopyButton } from "@/app/_components/copy-button";

const ROLES = ["viewer", "operator", "admin"] as const;
const inputCls =
  "rounded border border-slate-300 bg-white px-2 py-1 text-sm focus:border-sky-600 focus:outline-none focus:ring-2 focus:ring-sky-500/40";
const btnCls =
  "rounded border px-2.5 py-1 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-60";

function Result({ state }: { state: TeamState }) {
  if (!state) return null;
  if (!state.ok)
    return (
      <p role="alert" className="text-sm text-rose-700">
        {state.error}
      </p>
    );
  return (
    <p role="status" className="text-sm text-emerald-800">
      {state.message}
      {state.generatedPassword ? (
        <span className="ml-1">
          Generated password (shown once):{" "}
          <code className="rounded bg-slate-100 px-1" data-testid="generated-password">
            {state.generatedPassword}
          </code>{" "}
          <CopyButton text={state.generatedPassword} />
        </span>
      ) : null}
    </p>
  );
}

export function AddUserForm() {
  const [state, action, pending] = useActionState<TeamState, FormData>(addUserAction, null);
  return (
    <form action={action} className="flex flex-wrap items-end gap-2" aria-label="Add a team member">
      <label className="flex flex-col text-xs font-medium text-slate-700">
        Email
        <input name="email" type="email" required className={`${inputCls} w-64`} />
      </label>
      <label className="flex flex-col text-xs font-medium text-slate-700">
        Role
        <select name="role" defaultValue="viewer" className={inputCls}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col text-xs font-medium text-slate-700">
        Password (empty = generate one)
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          className={`${inputCls} w-56`}
        />
      </label>
      <button
        type="submit"
        disabled={pending}
        className={`${btnCls} border-sky-700 bg-sky-700 text-white hover:bg-sky-800`}
      >
        {pending ? "Adding…" : "Add member"}
      </button>
      <div className="basis-full">
        <Result state={state} />
      </div>
    </form>
  );
}

export function RoleForm({ email, role }: { email: string; role: string }) {
  const [state, action, pending] = useActionState<TeamState, FormData>(setRoleAction, null);
  return (
    <form action={action} className="flex flex-wrap items-center gap-1">
      <input type="hidden" name="email" value={email} />
      <label className="sr-only" htmlFor={`role-${email}`}>
        Role of {email}
      </label>
      <select id={`role-${email}`} name="role" defaultValue={role} className={inputCls}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <button
        type="submit"
        disabled={pending}
        className={`${btnCls} border-slate-300 bg-white hover:bg-slate-100`}
        aria-label={`Save role of ${email}`}
      >
        Save
      </button>
      <Result state={state} />
    </form>
  );
}

export function RemoveForm({ email, isSelf }: { email: string; isSelf: boolean }) {
  const [state, action, pending] = useActionState<TeamState, FormData>(removeUserAction, null);
  return (
    <form
      action={action}
      onSubmit={(e) => {
        const msg = isSelf
          ? `Remove your own account ${email}? You will be signed out.`
          : `Remove ${email} and revoke their API tokens?`;
        if (!window.confirm(msg)) e.preventDefault();
      }}
      className="flex flex-col items-start gap-1"
    >
      <input type="hidden" name="email" value={email} />
      <button
        type="submit"
        disabled={pending}
        className={`${btnCls} border-rose-300 bg-white text-rose-800 hover:bg-rose-50`}
        aria-label={`Remove ${email}`}
      >
        Remove
      </button>
      <Result state={state} />
    </form>
  );
}

/** An admin sets a member's password (empty = generate one); the member's sessions end. */
export function SetPasswordForm({ email }: { email: string }) {
  const [state, action, pending] = useActionState<TeamState, FormData>(setPasswordAction, null);
  return (
    <form action={action} className="flex flex-wrap items-center gap-1">
      <input type="hidden" name="email" value={email} />
      <label className="sr-only" htmlFor={`password-${email}`}>
        New password for {email} (empty = generate one)
      </label>
      <input
        id={`password-${email}`}
        name="password"
        type="password"
        autoComplete="new-password"
        minLength={8}
        placeholder="empty = generate"
        className={`${inputCls} w-40`}
      />
      <button
        type="submit"
        disabled={pending}
        className={`${btnCls} border-slate-300 bg-white hover:bg-slate-100`}
        aria-label={`Set password of ${email}`}
      >
        Set password
      </button>
      <Result state={state} />
    </form>
  );
}
