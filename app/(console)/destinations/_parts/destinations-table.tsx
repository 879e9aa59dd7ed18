// The destinations of one list page: every column sorts both ways; each row links to the
// destination and, for operators, resets it when it is backing off.
import Link from "next/link";
import type { ConsoleListQuery, ConsoleSort } from "@/lib/destinations/console-list-query";
import type { ConsoleDestination } from "@/lib/destinations/console-rows";
import { resetUnavailableReason } from "@/lib/destinations/destination-status";
import { Cell, DataTable, Row, SortHeader, UnnamedColumn } from "@/app/_components/data-table";
import { RelativeTime } from "@/app/_components/relative-time";
import { Dash, Duration, Int, StatusBadge } from "@/app/_components/ui";
import { ResetButton } from "@/app/(console)/destinations/reset-button";
import { ServerName } from "@/app/_components/server-name";

// A priority of columns: on narrow screens the less telling ones give way (the destination's
// page shows them all). Each column's class applies to its header and to its cells.
const PHONE_HIDDEN = "hidden md:table-cell";
const TABLET_HIDDEN = "hidden lg:table-cell";
const COLUMNS: { sort: ConsoleSort; label: string; className?: string }[] = [
  { sort: "destination", label: "Destination" },
  { sort: "status", label: "Status" },
  { sort: "failure_ts", label: "Failing since", className: PHONE_HIDDEN },
  { sort: "last_attempt", label: "Last attempt" },
  { sort: "next_retry", label: "Next retry" },
  { sort: "retry_interval", label: "Retry interval", className: PHONE_HIDDEN },
  {
    sort: "last_successful_stream_ordering",
    label: "Last successful stream ordering",
    className: `text-right ${TABLET_HIDDEN}`,
  },
  { sort: "rooms", label: "Shared rooms", className: `text-right ${PHONE_HIDDEN}` },
];
const cls = (sort: ConsoleSort) => COLUMNS.find((c) => c.sort === sort)?.className;

export function DestinationsTable({
  q,
  items,
  href,
  canReset,
  serverNow,
}: {
  q: ConsoleListQuery;
  items: ConsoleDestination[];
  href: (change: Partial<ConsoleListQuery>) => string;
  canReset: boolean;
  serverNow: string;
}) {
  return (
    <DataTable
      testId="destinations"
      head={
        <>
          {COLUMNS.map((c) => {
            const active = q.sort === c.sort;
            const nextDir = active && q.dir === "asc" ? "desc" : "asc";
            return (
              <SortHeader
                key={c.sort}
                label={c.label}
                href={href({ sort: c.sort, dir: nextDir })}
                sort={active ? (q.dir === "asc" ? "ascending" : "descending") : "none"}
                title={`Sort by ${c.label.toLowerCase()} (${nextDir === "asc" ? "ascending" : "descending"})`}
                className={c.className}
              />
            );
          })}
          {canReset ? <UnnamedColumn name="Actions" /> : null}
        </>
      }
    >
      {items.map((d) => (
        <DestinationRow key={d.destination} d={d} canReset={canReset} serverNow={serverNow} />
      ))}
    </DataTable>
  );
}

function DestinationRow({ d, canReset, serverNow }: { d: ConsoleDestination; canReset: boolean; serverNow: string }) {
  return (
    <Row className="hover:bg-slate-50" data-destination={d.destination}>
      <Cell className="min-w-[9rem] font-mono text-xs">
        <Link
          href={`/destinations/${encodeURIComponent(d.destination)}`}
          className="text-sky-800 underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
        >
          <ServerName name={d.destination} />
        </Link>
      </Cell>
      <Cell>
        <StatusBadge kind={d.status.kind} title={d.lastErrorKind ?? undefined} />
      </Cell>
      <Cell className={cls("failure_ts")}>
        {d.failureTs !== null && d.retryLastTs > 0n ? (
          <RelativeTime ms={d.failureTs.toString()} serverNow={serverNow} />
        ) : (
          <Dash />
        )}
      </Cell>
      <Cell>
        {d.lastAttemptTs !== null ? <RelativeTime ms={d.lastAttemptTs.toString()} serverNow={serverNow} /> : <Dash />}
      </Cell>
      <Cell>
        {d.status.nextRetryTs !== null ? (
          <RelativeTime ms={d.status.nextRetryTs.toString()} serverNow={serverNow} absolute />
        ) : (
          <Dash />
        )}
      </Cell>
      <Cell className={cls("retry_interval")}>
        {d.retryInterval > 0n ? <Duration ms={d.retryInterval} /> : <Dash />}
      </Cell>
      <Cell className={cls("last_successful_stream_ordering")}>
        <Int value={d.lastSuccessfulStreamOrdering} />
      </Cell>
      <Cell className={cls("rooms")}>
        <Int value={d.roomsCount} />
      </Cell>
      {canReset ? (
        <Cell>
          {d.status.resettable ? (
            <ResetButton destination={d.destination} disabledReason={resetUnavailableReason(d.status)} compact />
          ) : null}
        </Cell>
      ) : null}
    </Row>
  );
}
