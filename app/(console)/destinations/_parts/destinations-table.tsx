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
      <Cell className="max-w-xs break-all font-mono text-xs">
        <Link
          href={`/destinations/${encodeURIComponent(d.destination)}`}
          className="text-sky-800 underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
        >
          {d.destination}
        </Link>
      </Cell>
      <Cell>
        <StatusBadge kind={d.status.kind} title={d.lastErrorKind ?? undefined} />
      </Cell>
      <Cell>
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
      <Cell>{d.retryInterval > 0n ? <Duration ms={d.retryInterval} /> : <Dash />}</Cell>
      <Cell className="text-right">
        <Int value={d.lastSuccessfulStreamOrdering} />
      </Cell>
      <Cell className="text-right">
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
