"use client";
// One row of the destinations list, redrawn in place when the live stream sends a newer copy
// (live-rows.tsx).
import Link from "next/link";
import type { ConsoleDestination } from "@/lib/destinations/console-rows";
import { resetUnavailableReason } from "@/lib/destinations/destination-status";
import { Cell, Row } from "@/app/_components/data-table";
import { RelativeTime } from "@/app/_components/relative-time";
import { Dash, Duration, Int, StatusBadge } from "@/app/_components/ui";
import { ResetButton } from "@/app/(console)/destinations/reset-button";
import { ServerName } from "@/app/_components/server-name";
import { cls } from "./list-columns";
import { useLiveRow } from "./live-rows";

export function DestinationRow(props: { d: ConsoleDestination; canReset: boolean; serverNow: string }) {
  const { d, serverNow } = useLiveRow(props.d, props.serverNow);
  const canReset = props.canReset;
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
