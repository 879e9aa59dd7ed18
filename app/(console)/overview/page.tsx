// The console's landing page: counts by status (each a link to the filtered list), where it
// fails and for whom, and the history charts. Everything comes from getOverview — the latest
// history snapshot and a few index walks, never a count over the table.
import { getDb } from "@/lib/db";
import type { SearchParams } from "@/lib/http/page-params";
import { getOverview } from "@/lib/ops/get-overview";
import { parseOverviewQuery } from "@/lib/ops/overview-query";
import { HISTORY_RANGES } from "@/lib/ops/read-history";
import { formatDuration } from "@/lib/destinations/humanize";
import { settings } from "@/lib/settings/settings";
import { mirrorContext } from "@/lib/upstream/mirror";
import { pagePrincipal } from "@/app/_auth/session";
import { RelativeTime } from "@/app/_components/relative-time";
import { AutoRefresh } from "@/app/_components/auto-refresh";
import { Notice, PageTitle } from "@/app/_components/ui";
import { FailurePanels } from "./_parts/failure-panels";
import { HistoryCharts } from "./_parts/history-charts";
import { StatusCounts } from "./_parts/status-counts";
import Link from "next/link";

export const dynamic = "force-dynamic";
export const metadata = { title: "Overview · Federation Console" };

const RANGE_LABELS = { "24h": "24 hours", "7d": "7 days", "30d": "30 days" } as const;

export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const q = parseOverviewQuery(await searchParams);
  const me = await pagePrincipal(q.range === "24h" ? "/overview" : `/overview?range=${q.range}`);
  const nowMs = Date.now();
  const { pool } = await getDb();
  const o = await getOverview(pool, me, { range: q.range, nowMs });
  const mirror = mirrorContext() !== undefined;
  const serverNow = String(nowMs);

  return (
    <>
      {/* New points arrive every snapshot interval; a minute between refreshes is plenty for a glance. */}
      <AutoRefresh active intervalMs={Math.max(60_000, settings().ops.snapshotIntervalMs)} />
      <PageTitle>Overview</PageTitle>
      {o.point ? (
        <>
          <p className="mb-2 text-xs text-slate-600" data-testid="snapshot-time">
            Counts as of <RelativeTime ms={String(o.point.ts)} serverNow={serverNow} absolute /> (the scheduler records
            them every {formatDuration(settings().ops.snapshotIntervalMs)}).
          </p>
          <StatusCounts point={o.point} known={o.known} showReachable={mirror} />
        </>
      ) : (
        <Notice kind="info">
          No snapshot yet: a running scheduler records the counts every{" "}
          {formatDuration(settings().ops.snapshotIntervalMs)} (none runs with FEDERATION_SCHEDULER=off unless `npm run
          scheduler` runs elsewhere).
        </Notice>
      )}
      <FailurePanels o={o} serverNow={serverNow} />
      <section aria-labelledby="history-title">
        <div className="mb-2 flex flex-wrap items-center gap-2">
          <h2 id="history-title" className="text-sm font-semibold">
            History
          </h2>
          <nav aria-label="History range" className="flex gap-1 text-sm">
            {HISTORY_RANGES.map((r) => (
              <Link
                key={r}
                href={r === "24h" ? "/overview" : `/overview?range=${r}`}
                aria-current={r === q.range ? "page" : undefined}
                className={`rounded px-2 py-0.5 ring-1 ring-inset ring-slate-300 ${r === q.range ? "bg-slate-800 text-white" : "bg-white hover:bg-slate-100"}`}
              >
                {RANGE_LABELS[r]}
              </Link>
            ))}
          </nav>
        </div>
        <HistoryCharts h={o.history} showReachable={mirror} />
      </section>
    </>
  );
}
