// The destinations list: search, status filter, sort by any column both ways, pages with the
// total; all state in the URL. Rendered on the server from listConsoleDestinations.
import { getDb } from "@/lib/db";
import { hasRole } from "@/lib/auth/principal";
import type { SearchParams } from "@/lib/http/page-params";
import { listConsoleDestinations } from "@/lib/destinations/list-console-destinations";
import { consoleListSearch, parseConsoleListQuery, type ConsoleListQuery } from "@/lib/destinations/console-list-query";
import { formatInteger } from "@/lib/destinations/humanize";
import { pagePrincipal } from "@/app/_auth/session";
import { liveSince } from "@/lib/live/live-stream";
import { watchParam } from "@/lib/live/watch-hash";
import { PageLink, Pager } from "@/app/_components/pager";
import { PageTitle } from "@/app/_components/ui";
import { BulkReset } from "./bulk-reset";
import { AddDestinations } from "./add-destinations";
import { BulkForget } from "./bulk-forget";
import { MAX_ADD } from "@/lib/destinations/add-destinations";
import { MAX_BULK_FORGET } from "@/lib/destinations/bulk-forget";
import { formatDuration } from "@/lib/destinations/humanize";
import { mirrorContext } from "@/lib/upstream/mirror";
import { settings } from "@/lib/settings/settings";
import { ListSearchForm, StatusTabs, filterWords } from "./_parts/list-filters";
import { DestinationsTable } from "./_parts/destinations-table";
import { ExportLinks } from "./_parts/export-links";

export const dynamic = "force-dynamic";
export const metadata = { title: "Destinations · Federation Console" };

type Props = { searchParams: Promise<SearchParams> };

export default async function DestinationsPage({ searchParams }: Props) {
  const q = parseConsoleListQuery(await searchParams);
  const me = await pagePrincipal(`/destinations${consoleListSearch(q)}`);
  // Before reading the rows: the live stream then sends whatever changes after this read.
  const since = await liveSince();
  const now = BigInt(Date.now());
  const { pool } = await getDb();
  const page = await listConsoleDestinations(pool, me, q, now);
  const canReset = hasRole(me, "operator");
  const names = page.items.map((d) => d.destination);
  const pages = page.total === 0n ? 1n : (page.total + BigInt(q.size) - 1n) / BigInt(q.size);
  const first = page.items.length ? page.from + 1n : 0n;
  const last = page.from + BigInt(page.items.length);
  const href = (change: Partial<ConsoleListQuery>) => `/destinations${consoleListSearch(q, change)}`;
  const atFirst = q.page <= 1;
  const atLast = BigInt(q.page) >= pages;

  return (
    <>
      <PageTitle
        actions={
          <>
            {canReset ? <BulkReset search={q.search} status={q.status} filterWords={filterWords(q)} /> : null}
            {/* Standalone only: in mirror mode the homeserver owns the list. */}
            {canReset && !mirrorContext() ? <AddDestinations max={MAX_ADD} /> : null}
            {hasRole(me, "admin") && !mirrorContext() ? (
              <BulkForget
                search={q.search}
                status={q.status}
                filterWords={filterWords(q)}
                deadAfter={formatDuration(settings().deadAfterMs)}
                max={MAX_BULK_FORGET}
              />
            ) : null}
          </>
        }
      >
        Destinations
      </PageTitle>
      <ListSearchForm q={q} />
      <StatusTabs q={q} href={href} />

      <div className="mb-1 flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-slate-700" data-testid="list-summary" aria-live="polite">
          {page.total === 0n
            ? "No destinations match."
            : `${formatInteger(first)}–${formatInteger(last)} of ${formatInteger(page.total)}`}
        </p>
        {page.total > 0n ? <ExportLinks q={q} count={formatInteger(page.total)} /> : null}
      </div>
      <DestinationsTable
        q={q}
        items={page.items}
        href={href}
        canReset={canReset}
        serverNow={now.toString()}
        watch={watchParam(names)}
        since={since}
      />
      <Pager label="Pages">
        <PageLink href={atFirst ? null : href({ page: 1 })} label="« First" />
        <PageLink href={atFirst ? null : href({ page: q.page - 1 })} label="‹ Previous" rel="prev" />
        <span data-testid="page-of">
          Page {formatInteger(q.page)} of {formatInteger(pages)}
        </span>
        <PageLink href={atLast ? null : href({ page: q.page + 1 })} label="Next ›" rel="next" />
        <PageLink href={atLast ? null : href({ page: Number(pages) })} label="Last »" />
      </Pager>
    </>
  );
}
