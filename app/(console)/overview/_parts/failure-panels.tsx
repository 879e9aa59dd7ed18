// Where it hurts most: failing by reason, failing destinations by shared rooms, the newest
// failures and recoveries, expired certificates. Each destination links to its page.
import Link from "next/link";
import type { ReactNode } from "react";
import { destinationPath } from "@/lib/destinations/detail-query";
import { describeFailure } from "@/lib/destinations/describe-error";
import { formatInteger } from "@/lib/destinations/humanize";
import type { FailingRow, Overview, RecoveredRow } from "@/lib/ops/get-overview";
import { RelativeTime } from "@/app/_components/relative-time";

export function FailurePanels({ o, serverNow }: { o: Overview; serverNow: string }) {
  const failing = o.failingByReason.reduce((a, r) => a + r.count, 0);
  return (
    <div className="mb-4 grid gap-3 md:grid-cols-2 xl:grid-cols-3">
      <Panel title="Failing by reason" testId="panel-reasons">
        {o.failingByReason.length === 0 ? (
          <Empty>Nothing is failing.</Empty>
        ) : (
          <table className="w-full text-sm">
            <tbody>
              {o.failingByReason.map((r) => (
                <tr key={r.category} data-reason={r.category} className="border-t border-slate-100">
                  <th scope="row" className="py-0.5 text-left font-normal">
                    {r.label}
                  </th>
                  <td className="text-right tabular-nums">{formatInteger(r.count)}</td>
                  <td className="w-16 text-right text-xs text-slate-600 tabular-nums">
                    {((r.count * 100) / failing).toFixed(1)} %
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      <Panel title="Failing, most shared rooms first" testId="panel-impact">
        <FailingList rows={o.byImpact} serverNow={serverNow} show="rooms" />
      </Panel>
      <Panel title="Recently failed" testId="panel-failed">
        <FailingList rows={o.recentlyFailed} serverNow={serverNow} show="since" />
      </Panel>
      <Panel title="Recently recovered" testId="panel-recovered">
        <RecoveredList rows={o.recentlyRecovered} serverNow={serverNow} />
      </Panel>
      <Panel title="Certificates" testId="panel-certificates">
        <h3 className="text-xs font-semibold text-slate-700">Expiring soon</h3>
        {o.certificateExpiring.length === 0 ? (
          <Empty>No certificate seen expires soon.</Empty>
        ) : (
          <ul className="mb-2 text-sm" data-testid="certificates-expiring">
            {o.certificateExpiring.map((c) => (
              <li key={c.destination} className="flex justify-between gap-2 border-t border-slate-100 py-0.5">
                <DestinationLink name={c.destination} />
                <RelativeTime ms={c.notAfterMs.toString()} serverNow={serverNow} />
              </li>
            ))}
          </ul>
        )}
        <h3 className="text-xs font-semibold text-slate-700">Expired, failing</h3>
        {o.certificateExpired.length === 0 ? (
          <Empty>No destination is failing on an expired certificate.</Empty>
        ) : (
          <FailingList rows={o.certificateExpired} serverNow={serverNow} show="since" />
        )}
        <p className="mt-1 text-xs text-slate-600">
          Expiry dates as the scheduler&apos;s attempts and federation checks saw them, within
          FEDCONSOLE_ALERT_CERT_WARNING (14 days by default).
        </p>
      </Panel>
    </div>
  );
}

function Panel({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <section className="rounded border border-slate-200 bg-white p-2" data-testid={testId} aria-label={title}>
      <h2 className="mb-1 text-sm font-semibold">{title}</h2>
      {children}
    </section>
  );
}

const Empty = ({ children }: { children: ReactNode }) => <p className="text-sm text-slate-600">{children}</p>;

function DestinationLink({ name }: { name: string }) {
  return (
    <Link href={destinationPath(name)} className="break-all font-mono text-sky-800 underline-offset-2 hover:underline">
      {name}
    </Link>
  );
}

function FailingList({ rows, serverNow, show }: { rows: FailingRow[]; serverNow: string; show: "rooms" | "since" }) {
  if (rows.length === 0) return <Empty>Nothing is failing.</Empty>;
  return (
    <ol className="space-y-1 text-sm">
      {rows.map((r) => (
        <li key={r.destination} data-destination={r.destination}>
          <DestinationLink name={r.destination} />
          <span className="block text-xs text-slate-600">
            {show === "rooms" ? `${formatInteger(r.roomsCount)} shared rooms · ` : null}
            {(r.lastErrorKind ? describeFailure({ reason: r.lastErrorKind, message: null })?.summary : null) ??
              (r.lastOutcome === "success"
                ? "reachable by us; the homeserver still backs off"
                : "no attempt of ours yet")}
            {r.failureTs !== null ? (
              <>
                {" · failing since "}
                <RelativeTime ms={r.failureTs.toString()} serverNow={serverNow} />
              </>
            ) : null}
          </span>
        </li>
      ))}
    </ol>
  );
}

function RecoveredList({ rows, serverNow }: { rows: RecoveredRow[]; serverNow: string }) {
  if (rows.length === 0) return <Empty>No recoveries recorded yet.</Empty>;
  return (
    <ol className="space-y-1 text-sm">
      {rows.map((r) => (
        <li key={r.destination} data-destination={r.destination}>
          <DestinationLink name={r.destination} />
          <span className="block text-xs text-slate-600">
            recovered <RelativeTime ms={r.recoveredTs.toString()} serverNow={serverNow} /> ·{" "}
            {formatInteger(r.roomsCount)} shared rooms
          </span>
        </li>
      ))}
    </ol>
  );
}
