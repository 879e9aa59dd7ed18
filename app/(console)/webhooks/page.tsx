// Alert webhooks (admin): the endpoints, their events, on/off, "Send test", and each one's
// newest delivery tries (time, event, status code, duration, error).
import { getDb } from "@/lib/db";
import { hasRole } from "@/lib/auth/principal";
import { formatTimestamp } from "@/lib/destinations/humanize";
import { listWebhooks } from "@/lib/webhooks/endpoints";
import { EVENT_LABELS, type EventKind } from "@/lib/webhooks/events";
import { listDeliveries } from "@/lib/webhooks/list-deliveries";
import { pagePrincipal } from "@/app/_auth/session";
import { Cell, ColumnHeader, DataTable, Row } from "@/app/_components/data-table";
import { Notice, PageTitle } from "@/app/_components/ui";
import { AddWebhookForm, DeleteWebhookButton, EditWebhookForm, TestWebhookButton } from "./webhook-forms";

export const dynamic = "force-dynamic";
export const metadata = { title: "Webhooks · Federation Console" };

const SHOWN_TRIES = 10;

export default async function WebhooksPage() {
  const me = await pagePrincipal("/webhooks");
  if (!hasRole(me, "admin")) {
    return (
      <>
        <PageTitle>Webhooks</PageTitle>
        <Notice kind="error">Managing webhooks needs the admin role; you are {me.role}.</Notice>
      </>
    );
  }
  const { pool } = await getDb();
  const endpoints = await listWebhooks(pool, me);
  const tries = await Promise.all(endpoints.map((w) => listDeliveries(pool, me, w.id, SHOWN_TRIES)));
  return (
    <>
      <PageTitle>Webhooks</PageTitle>
      <p className="mb-3 text-sm text-slate-600">
        Alerts are POSTed as JSON, signed with HMAC-SHA256 (<code>X-Fedconsole-Signature</code> over{" "}
        <code>&lt;X-Fedconsole-Timestamp&gt;.&lt;body&gt;</code>), with a one-line <code>text</code> that Slack,
        Mattermost and matrix-hookshot show as it is. Deliveries are retried with backoff; see README “Alert webhooks”.
      </p>
      <section className="mb-4 rounded border border-slate-200 bg-white p-3">
        <h2 className="mb-2 text-sm font-semibold">Add a webhook</h2>
        <AddWebhookForm />
      </section>
      {endpoints.length === 0 ? <p className="text-sm text-slate-600">No webhooks yet.</p> : null}
      {endpoints.map((w, i) => (
        <section
          key={w.id}
          className="mb-4 rounded border border-slate-200 bg-white p-3"
          data-testid="webhook"
          data-webhook-url={w.url}
          aria-label={`Webhook ${w.url}`}
        >
          <div className="mb-2 flex flex-wrap items-center gap-2">
            <h2 className="break-all font-mono text-sm font-semibold">{w.url}</h2>
            <span
              className={`rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${w.enabled ? "bg-emerald-50 text-emerald-800 ring-emerald-600/30" : "bg-slate-100 text-slate-700 ring-slate-500/30"}`}
              data-testid="webhook-state"
            >
              {w.enabled ? "✓ Enabled" : "○ Disabled"}
            </span>
            {w.description ? <span className="text-sm text-slate-600">{w.description}</span> : null}
            <span className="text-xs text-slate-600">
              {w.events.map((e) => EVENT_LABELS[e]).join(" · ")}
              {w.pending > 0 ? ` · ${w.pending} waiting to be delivered` : ""}
            </span>
            <div className="ml-auto flex items-start gap-2">
              <TestWebhookButton id={w.id} url={w.url} />
              <DeleteWebhookButton id={w.id} url={w.url} />
            </div>
          </div>
          <details className="mb-2">
            <summary className="cursor-pointer text-sm text-sky-800">Edit</summary>
            <div className="mt-2">
              <EditWebhookForm
                v={{ id: w.id, url: w.url, description: w.description, events: w.events, enabled: w.enabled }}
              />
            </div>
          </details>
          <h3 className="mb-1 text-xs font-semibold text-slate-700">Recent deliveries</h3>
          {tries[i].length === 0 ? (
            <p className="text-sm text-slate-600">Nothing delivered yet.</p>
          ) : (
            <DataTable
              testId="deliveries"
              head={
                <>
                  <ColumnHeader>Time (UTC)</ColumnHeader>
                  <ColumnHeader>Event</ColumnHeader>
                  <ColumnHeader>Try</ColumnHeader>
                  <ColumnHeader>Result</ColumnHeader>
                  <ColumnHeader>Status code</ColumnHeader>
                  <ColumnHeader>Duration</ColumnHeader>
                  <ColumnHeader>Error</ColumnHeader>
                </>
              }
            >
              {tries[i].map((t) => (
                <Row key={t.id} data-delivery-ok={String(t.ok)}>
                  <Cell className="whitespace-nowrap">{formatTimestamp(t.at)}</Cell>
                  <Cell>{EVENT_LABELS[t.event as EventKind] ?? t.event}</Cell>
                  <Cell className="tabular-nums">{t.tryNumber}</Cell>
                  <Cell>
                    {t.ok ? (
                      <span className="text-emerald-800">✓ Delivered</span>
                    ) : (
                      <span className="text-rose-800">
                        ✕ {t.deliveryStatus === "pending" ? "Failed, will retry" : "Failed"}
                      </span>
                    )}
                  </Cell>
                  <Cell className="tabular-nums">{t.statusCode ?? "—"}</Cell>
                  <Cell className="tabular-nums">{t.durationMs} ms</Cell>
                  <Cell className="break-all text-xs">{t.error ?? ""}</Cell>
                </Row>
              ))}
            </DataTable>
          )}
        </section>
      ))}
    </>
  );
}
