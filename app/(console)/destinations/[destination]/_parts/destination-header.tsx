// The page's head: the way back to the list, the name, its status in words, the reset and
// "Attempt now".
import Link from "next/link";
import type { ConsoleDestination } from "@/lib/destinations/console-rows";
import { resetUnavailableReason } from "@/lib/destinations/destination-status";
import { RelativeTime } from "@/app/_components/relative-time";
import { StatusBadge } from "@/app/_components/ui";
import { ServerName } from "@/app/_components/server-name";
import { ResetButton } from "@/app/(console)/destinations/reset-button";
import { AttemptNowButton } from "./attempt-now-button";

export function DestinationHeader({
  d,
  serverNow,
  canReset,
  canAttempt,
}: {
  d: ConsoleDestination;
  serverNow: string;
  canReset: boolean;
  /** Operators and admins (viewers do not see the button; the action refuses them too). */
  canAttempt: boolean;
}) {
  const { status } = d;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-1 text-sm">
        <Link href="/destinations" className="text-sky-800 hover:underline">
          Destinations
        </Link>{" "}
        <span aria-hidden="true">/</span>
      </nav>
      <div className="mb-3 flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="font-mono text-lg font-semibold">
            <ServerName name={d.destination} />
          </h1>
          <div className="mt-1 flex flex-wrap items-center gap-2 text-sm" data-testid="detail-status">
            <StatusBadge kind={status.kind} />
            {(status.kind === "backing_off" || status.kind === "blocked") && status.nextRetryTs !== null ? (
              <span>
                retry due <RelativeTime ms={status.nextRetryTs.toString()} serverNow={serverNow} absolute />
              </span>
            ) : null}
            {status.kind === "blocked" ? (
              <span className="text-rose-800">
                The resolved address is in a blocked IP range (FEDERATION_IP_RANGE_BLOCKLIST).
              </span>
            ) : null}
            {status.kind === "retrying" ? <span>An attempt is in progress…</span> : null}
          </div>
        </div>
        {canReset || canAttempt ? (
          <div className="flex flex-wrap items-start gap-2">
            {canAttempt ? <AttemptNowButton destination={d.destination} /> : null}
            {canReset ? (
              <ResetButton destination={d.destination} disabledReason={resetUnavailableReason(status)} />
            ) : null}
          </div>
        ) : null}
      </div>
    </>
  );
}
