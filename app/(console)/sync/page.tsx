// Mirror mode's sync (operators and admins): where the console reads from, the pass in progress
// with its progress, the last passes with what they found, and the homeserver's last error.
import { getDb } from "@/lib/db";
import { requireRole } from "@/lib/auth/principal";
import { formatDuration, formatInteger, formatTimestamp } from "@/lib/destinations/humanize";
import { mirrorContext } from "@/lib/upstream/mirror";
import { getSyncStatus, type PassProgress } from "@/lib/upstream/sync-status";
import { pagePrincipal } from "@/app/_auth/session";
import { AutoRefresh } from "@/app/_components/auto-refresh";
import { Cell, ColumnHeader, DataTable, Row } from "@/app/_components/data-table";
import { RelativeTime } from "@/app/_components/relative-time";
import { PageTitle } from "@/app/_components/ui";
import { SyncNowButton } from "./sync-now";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sync · Federation Console" };

const STATUS_WORDS: Record<PassProgress["status"], string> = {
  running: "Running",
  ok: "Complete",
  partial: "Complete, with problems",
  failed: "Failed",
};

function Progress({ p }: { p: PassProgress }) {
  const total = p.upstreamTotal === null ? null : Number(p.upstreamTotal);
  const pct = total ? Math.min(100, Math.round((p.rowsSeen / total) * 100)) : null;
  return (
    <section
      aria-labelledby="current"
      className="mb-4 rounded border border-sky-200 bg-sky-50 p-3"
      data-testid="current-pass"
    >
      <h2 id="current" className="text-sm font-semibold">
        {p.kind === "full" ? "Full pass" : "Recent changes"} in progress
      </h2>
      <p className="mt-1 text-sm">
        {formatInteger(p.rowsSeen)} rows seen{total !== null ? ` of ${formatInteger(total)}` : ""}
        {p.rate ? ` · ${formatInteger(Math.round(p.rate))} rows/s` : ""}
        {p.etaMs !== null ? ` · about ${formatDuration(BigInt(Math.round(p.etaMs)))} left` : ""}
        {" · "}
        {formatInteger(p.rowsAdded)} added, {formatInteger(p.rowsChanged)} changed
      </p>
      {pct !== null ? (
        <progress className="mt-2 h-2 w-full" value={pct} max={100} aria-label="Pass progress">
          {pct} %
        </progress>
      ) : null}
    </section>
  );
}

export default async function SyncPage() {
  const me = await pagePrincipal("/sync");
  requireRole(me, "operator", "see the sync");
  const mirror = mirrorContext();
  const status = await getSyncStatus((await getDb()).pool, mirror, { passes: 30 });
  const serverNow = Date.now().toString();
  if (status.mode === "standalone") {
    return (
      <>
        <PageTitle>Sync</PageTitle>
        <p className="text-sm text-slate-700">
          This console is standalone: its own scheduler keeps the retry timings. To mirror a homeserver, set
          FEDCONSOLE_UPSTREAM_URL and a token (README, “Use it with your homeserver”).
        </p>
      </>
    );
  }
  return (
    <>
      <AutoRefresh active={status.running !== null} intervalMs={2000} />
      <PageTitle>Sync</PageTitle>
      <div className="mb-3 flex flex-wrap items-center gap-4 text-sm">
        <p>
          Mirroring <span className="font-mono">{status.label}</span> through its{" "}
          {status.kind === "api" ? "admin API" : "database"}
          {status.canReset ? "; resets are relayed to its admin API." : "; resets are not possible (no admin API)."}
        </p>
        <p>
          Last complete sync:{" "}
          {status.lastSyncOkAt !== null ? (
            <RelativeTime ms={String(status.lastSyncOkAt)} serverNow={serverNow} absolute />
          ) : (
            "never"
          )}
        </p>
        <SyncNowButton />
      </div>
      {status.failingSince !== null ? (
        <p role="alert" className="mb-3 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-950">
          The homeserver fails since {formatTimestamp(BigInt(status.failingSince))} UTC: {status.lastError}
        </p>
      ) : null}
      {status.running ? <Progress p={status.running} /> : null}
      <h2 className="mb-2 text-sm font-semibold">Last passes</h2>
      {status.recent.length === 0 ? (
        <p className="text-sm text-slate-600">No pass yet.</p>
      ) : (
        <DataTable
          testId="passes"
          head={
            <>
              <ColumnHeader>Started (UTC)</ColumnHeader>
              <ColumnHeader>Kind</ColumnHeader>
              <ColumnHeader>Duration</ColumnHeader>
              <ColumnHeader>Result</ColumnHeader>
              <ColumnHeader>Seen</ColumnHeader>
              <ColumnHeader>Added / changed / removed</ColumnHeader>
              <ColumnHeader>Room rows written</ColumnHeader>
              <ColumnHeader>Requests</ColumnHeader>
              <ColumnHeader>Problems</ColumnHeader>
            </>
          }
        >
          {status.recent.map((p) => (
            <Row key={p.id.toString()} data-status={p.status}>
              <Cell className="whitespace-nowrap">{formatTimestamp(BigInt(p.startedAt))}</Cell>
              <Cell>{p.kind === "full" ? "Full" : "Recent changes"}</Cell>
              <Cell>{formatDuration(BigInt((p.finishedAt ?? p.progressAt) - p.startedAt))}</Cell>
              <Cell>{STATUS_WORDS[p.status]}</Cell>
              <Cell>
                {formatInteger(p.rowsSeen)}
                {p.upstreamTotal !== null ? ` of ${formatInteger(Number(p.upstreamTotal))}` : ""}
              </Cell>
              <Cell>
                {formatInteger(p.rowsAdded)} / {formatInteger(p.rowsChanged)} / {formatInteger(p.rowsRemoved)}
              </Cell>
              <Cell>{formatInteger(p.roomsWritten)}</Cell>
              <Cell>{formatInteger(p.requests)}</Cell>
              <Cell className="text-xs">
                {p.error ? <span className="text-rose-800">{p.error}</span> : null}
                {p.errors ? <span> {formatInteger(p.errors)} problems</span> : null}
                {p.notes.length ? (
                  <ul className="mt-1 list-disc pl-4 text-slate-700">
                    {p.notes.slice(0, 5).map((n) => (
                      <li key={n}>{n}</li>
                    ))}
                  </ul>
                ) : null}
              </Cell>
            </Row>
          ))}
        </DataTable>
      )}
    </>
  );
}
