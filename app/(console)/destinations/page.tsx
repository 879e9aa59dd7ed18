// The destinations list: search, status filter, sort by any column both ways, pages with the
// total; all state in the URL. Rendered on the server from listConsoleDestinations.
import Link from "next/link";
import { getDb } from "@/lib/db";
import { hasRole } from "@/lib/auth/principal";
import { listConsoleDestinations } from "@/lib/destinations/list-console-destinations";
import {
  consoleListSearch,
  PAGE_SIZES,
  parseConsoleListQuery,
  type ConsoleListQuery,
  type ConsoleSort,
} from "@/lib/destinations/console-list-query";
import { STATUS_LABELS, resetUnavailableReason, type StatusFilter } from "@/lib/destinations/destination-status";
import { formatInteger } from "@/lib/destinations/humanize";
import { pagePrincipal } from "../../_auth/session";
import { RelativeTime } from "../../_components/relative-time";
import { AutoRefresh } from "../../_components/auto-refresh";
import { Dash, Duration, Int, PageTitle, StatusBadge, btnSecondary, input, td, th } from "../../_components/ui";
import { ResetButton } from "./reset-button";
import { BulkReset } from "./bulk-reset";

export const dynamic = "force-dynamic";
export const metadata = { title: "Destinations · Federation Console" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const FILTER_TABS: { value: StatusFilter | null; label: string }[] = [
  { value: null, label: "All" },
  { value: "failing", label: "Failing" },
  { value: "backing_off", label: STATUS_LABELS.backing_off },
  { value: "blocked", label: STATUS_LABELS.blocked },
  { value: "retrying", label: STATUS_LABELS.retrying },
  { value: "never_contacted", label: STATUS_LABELS.never_contacted },
  { value: "healthy", label: STATUS_LABELS.healthy },
];

const COLUMNS: { sort: ConsoleSort; label: string; className?: string }[] = [
  { sort: "destination", label: "Destination" },
  { sort: "status", label: "Status" },
  { sort: "failure_ts", label: "Failing since" },
  { sort: "last_attempt", label: "Last attempt" },
  { sort: "next_retry", label: "Next retry" },
  { sort: "retry_interval", label: "Retry interval" },
  { sort: "last_successful_stream_ordering", label: "Last successful stream ordering", className: "text-right" },
  { sort: "rooms", label: "Shared rooms", className: "text-right" },
];

function filterWords(q: ConsoleListQuery): string {
  const parts: string[] = [];
  if (q.search) parts.push(`“${q.search}”`);
  if (q.status && q.status !== "failing") parts.push(`status ${STATUS_LABELS[q.status]}`);
  return parts.length ? parts.join(" and ") : "the whole list";
}

export default async function DestinationsPage({ searchParams }: Props) {
  const sp = await searchParams;
  const q = parseConsoleListQuery(sp);
  const me = await pagePrincipal(`/destinations${consoleListSearch(q)}`);
  const now = BigInt(Date.now());
  const { pool } = await getDb();
  const page = await listConsoleDestinations(pool, me, q, now);
  const canReset = hasRole(me, "operator");
  const pages = page.total === 0n ? 1n : (page.total + BigInt(q.size) - 1n) / BigInt(q.size);
  const first = page.items.length ? page.from + 1n : 0n;
  const last = page.from + BigInt(page.items.length);
  const href = (change: Partial<ConsoleListQuery>) => `/destinations${consoleListSearch(q, change)}`;
  const serverNow = now.toString();

  return (
    <>
      <AutoRefresh active={page.items.some((d) => d.status.inProgress)} intervalMs={2000} />
      <PageTitle
        actions={canReset ? <BulkReset search={q.search} status={q.status} filterWords={filterWords(q)} /> : null}
      >
        Destinations
      </PageTitle>

      {/* biome-ignore lint/a11y/useSemanticElements: a form with the search role; <search> is not yet in every browser this console supports */}
      <form method="get" action="/destinations" role="search" className="mb-2 flex flex-wrap items-end gap-2">
        <label className="flex flex-col text-xs font-medium text-slate-700">
          Search server names
          <input
            name="q"
            type="search"
            defaultValue={q.search}
            placeholder="e.g. matrix.org"
            className={`${input} w-64`}
          />
        </label>
        <label className="flex flex-col text-xs font-medium text-slate-700">
          Status
          <select name="status" defaultValue={q.status ?? ""} className={input}>
            {FILTER_TABS.map((t) => (
              <option key={t.label} value={t.value ?? ""}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-xs font-medium text-slate-700">
          Per page
          <select name="size" defaultValue={String(q.size)} className={input}>
            {PAGE_SIZES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {q.sort !== "destination" ? <input type="hidden" name="sort" value={q.sort} /> : null}
        {q.dir !== "asc" ? <input type="hidden" name="dir" value={q.dir} /> : null}
        <button type="submit" className={btnSecondary}>
          Apply
        </button>
      </form>

      <nav aria-label="Status filter" className="mb-2 flex flex-wrap gap-1 text-sm">
        {FILTER_TABS.map((t) => {
          const active = q.status === t.value;
          return (
            <Link
              key={t.label}
              href={href({ status: t.value })}
              aria-current={active ? "page" : undefined}
              className={`rounded-full border px-2.5 py-0.5 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 ${active ? "border-slate-800 bg-slate-800 text-white" : "border-slate-300 bg-white hover:bg-slate-100"}`}
            >
              {t.label}
            </Link>
          );
        })}
      </nav>

      <p className="mb-1 text-sm text-slate-700" data-testid="list-summary" aria-live="polite">
        {page.total === 0n
          ? "No destinations match."
          : `${formatInteger(first)}–${formatInteger(last)} of ${formatInteger(page.total)}`}
      </p>

      <div className="overflow-x-auto rounded border border-slate-200 bg-white">
        <table className="w-full border-collapse text-sm" data-testid="destinations">
          <thead className="border-b border-slate-200 bg-slate-50">
            <tr>
              {COLUMNS.map((c) => {
                const active = q.sort === c.sort;
                const nextDir = active && q.dir === "asc" ? "desc" : "asc";
                return (
                  <th
                    key={c.sort}
                    scope="col"
                    className={`${th} ${c.className ?? ""}`}
                    aria-sort={active ? (q.dir === "asc" ? "ascending" : "descending") : "none"}
                  >
                    <Link
                      href={href({ sort: c.sort, dir: nextDir })}
                      className="inline-flex items-center gap-1 hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
                      title={`Sort by ${c.label.toLowerCase()} (${nextDir === "asc" ? "ascending" : "descending"})`}
                    >
                      {c.label}
                      <span aria-hidden="true" className={active ? "text-slate-900" : "text-slate-300"}>
                        {active ? (q.dir === "asc" ? "▲" : "▼") : "↕"}
                      </span>
                    </Link>
                  </th>
                );
              })}
              {canReset ? (
                <th scope="col" className={th}>
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {page.items.map((d) => (
              <tr
                key={d.destination}
                className="border-b border-slate-100 last:border-0 hover:bg-slate-50"
                data-destination={d.destination}
              >
                <td className={`${td} max-w-xs break-all font-mono text-xs`}>
                  <Link
                    href={`/destinations/${encodeURIComponent(d.destination)}`}
                    className="text-sky-800 underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
                  >
                    {d.destination}
                  </Link>
                </td>
                <td className={td}>
                  <StatusBadge kind={d.status.kind} title={d.lastErrorKind ?? undefined} />
                </td>
                <td className={td}>
                  {d.failureTs !== null && d.retryLastTs > 0n ? (
                    <RelativeTime ms={d.failureTs.toString()} serverNow={serverNow} />
                  ) : (
                    <Dash />
                  )}
                </td>
                <td className={td}>
                  {d.lastAttemptTs !== null ? (
                    <RelativeTime ms={d.lastAttemptTs.toString()} serverNow={serverNow} />
                  ) : (
                    <Dash />
                  )}
                </td>
                <td className={td}>
                  {d.status.nextRetryTs !== null ? (
                    <RelativeTime ms={d.status.nextRetryTs.toString()} serverNow={serverNow} absolute />
                  ) : (
                    <Dash />
                  )}
                </td>
                <td className={td}>{d.retryInterval > 0n ? <Duration ms={d.retryInterval} /> : <Dash />}</td>
                <td className={`${td} text-right`}>
                  <Int value={d.lastSuccessfulStreamOrdering} />
                </td>
                <td className={`${td} text-right`}>
                  <Int value={d.roomsCount} />
                </td>
                {canReset ? (
                  <td className={td}>
                    {d.status.resettable ? (
                      <ResetButton
                        destination={d.destination}
                        disabledReason={resetUnavailableReason(d.status)}
                        compact
                      />
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <nav aria-label="Pages" className="mt-2 flex flex-wrap items-center gap-2 text-sm">
        <PageLink href={href({ page: 1 })} disabled={q.page <= 1} label="« First" />
        <PageLink href={href({ page: q.page - 1 })} disabled={q.page <= 1} label="‹ Previous" rel="prev" />
        <span data-testid="page-of">
          Page {formatInteger(q.page)} of {formatInteger(pages)}
        </span>
        <PageLink href={href({ page: q.page + 1 })} disabled={BigInt(q.page) >= pages} label="Next ›" rel="next" />
        <PageLink href={href({ page: Number(pages) })} disabled={BigInt(q.page) >= pages} label="Last »" />
      </nav>
    </>
  );
}

function PageLink({ href, disabled, label, rel }: { href: string; disabled: boolean; label: string; rel?: string }) {
  if (disabled)
    return (
      <span className="rounded border border-slate-200 px-2 py-0.5 text-slate-400" aria-disabled="true">
        {label}
      </span>
    );
  return (
    <Link
      href={href}
      rel={rel}
      className="rounded border border-slate-300 bg-white px-2 py-0.5 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
    >
      {label}
    </Link>
  );
}
