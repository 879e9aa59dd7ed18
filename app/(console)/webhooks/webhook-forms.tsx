"use client";
// The webhook page's forms: add, edit, send test, delete. Each answers through the action's state.
import { useActionState } from "react";
import { ALERT_EVENTS, EVENT_LABELS, type AlertEvent } from "@/lib/webhooks/events";
import { btnDanger, btnPrimary, btnSecondary, input } from "@/app/_components/ui";
import { CopyButton } from "@/app/_components/copy-button";
import {
  createWebhookAction,
  deleteWebhookAction,
  testWebhookAction,
  updateWebhookAction,
  type WebhookState,
} from "./actions";

function Result({ state }: { state: WebhookState }) {
  if (!state) return null;
  if (!state.ok)
    return (
      <p role="alert" className="mt-2 text-sm text-rose-700">
        {state.error}
      </p>
    );
  const failed = state.delivered === false;
  return (
    <div role="status" className={`mt-2 text-sm ${failed ? "text-rose-800" : "text-emerald-800"}`}>
      <span aria-hidden="true">{failed ? "✕ " : "✓ "}</span>
      {state.message}
      {state.generatedSecret ? (
        <p className="mt-1">
          Signing secret (shown once; it is stored encrypted and never shown again):{" "}
          <code className="break-all rounded bg-slate-100 px-1 font-mono text-xs" data-testid="generated-secret">
            {state.generatedSecret}
          </code>{" "}
          <CopyButton text={state.generatedSecret} />
        </p>
      ) : null}
    </div>
  );
}

type Values = { id?: string; url?: string; description?: string; events?: AlertEvent[]; enabled?: boolean };

function Fields({ v, isNew }: { v: Values; isNew: boolean }) {
  return (
    <>
      {v.id ? <input type="hidden" name="id" value={v.id} /> : null}
      <div className="flex flex-wrap items-end gap-2">
        <label className="flex flex-col text-xs font-medium text-slate-700">
          URL
          <input
            name="url"
            type="url"
            required
            defaultValue={v.url}
            placeholder="https://hooks.example.org/…"
            className={`${input} w-96`}
          />
        </label>
        <label className="flex flex-col text-xs font-medium text-slate-700">
          {isNew ? "Secret (empty = generate one)" : "New secret (empty = keep)"}
          <input name="secret" type="password" autoComplete="off" minLength={16} className={`${input} w-56`} />
        </label>
        <label className="flex flex-col text-xs font-medium text-slate-700">
          Description
          <input name="description" maxLength={200} defaultValue={v.description} className={`${input} w-56`} />
        </label>
      </div>
      <fieldset className="mt-2 flex flex-wrap items-center gap-3 text-sm">
        <legend className="sr-only">Events</legend>
        <span className="text-xs font-medium text-slate-700">Events:</span>
        {ALERT_EVENTS.map((e) => (
          <label key={e} className="inline-flex items-center gap-1">
            <input type="checkbox" name="events" value={e} defaultChecked={v.events ? v.events.includes(e) : true} />
            {EVENT_LABELS[e]}
          </label>
        ))}
        <label className="ml-4 inline-flex items-center gap-1 font-medium">
          <input type="checkbox" name="enabled" defaultChecked={v.enabled ?? true} />
          Enabled
        </label>
      </fieldset>
    </>
  );
}

export function AddWebhookForm() {
  const [state, action, pending] = useActionState<WebhookState, FormData>(createWebhookAction, null);
  return (
    <form action={action} aria-label="Add a webhook">
      <Fields v={{}} isNew />
      <button type="submit" disabled={pending} className={`${btnPrimary} mt-2`}>
        {pending ? "Adding…" : "Add webhook"}
      </button>
      <Result state={state} />
    </form>
  );
}

export function EditWebhookForm({ v }: { v: Required<Values> }) {
  const [state, action, pending] = useActionState<WebhookState, FormData>(updateWebhookAction, null);
  return (
    <form action={action} aria-label={`Edit the webhook for ${v.url}`}>
      <Fields v={v} isNew={false} />
      <button type="submit" disabled={pending} className={`${btnPrimary} mt-2`}>
        {pending ? "Saving…" : "Save"}
      </button>
      <Result state={state} />
    </form>
  );
}

export function TestWebhookButton({ id, url }: { id: string; url: string }) {
  const [state, action, pending] = useActionState<WebhookState, FormData>(testWebhookAction, null);
  return (
    <form action={action}>
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} className={btnSecondary} aria-label={`Send test to ${url}`}>
        {pending ? "Sending…" : "Send test"}
      </button>
      <Result state={state} />
    </form>
  );
}

export function DeleteWebhookButton({ id, url }: { id: string; url: string }) {
  const [state, action, pending] = useActionState<WebhookState, FormData>(deleteWebhookAction, null);
  return (
    <form
      action={action}
      onSubmit={(e) => {
        if (!window.confirm(`Delete the webhook for ${url}? Its delivery history goes with it.`)) e.preventDefault();
      }}
    >
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} className={btnDanger} aria-label={`Delete the webhook for ${url}`}>
        Delete
      </button>
      <Result state={state} />
    </form>
  );
}
