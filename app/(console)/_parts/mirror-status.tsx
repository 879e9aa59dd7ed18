// Mirror mode in the console's frame: "Mirroring <host> · synced 12 s ago" in the header, and a
// banner on every page while the homeserver fails, saying what is shown is as of when.
import Link from "next/link";
import type { SyncStatus } from "@/lib/upstream/sync-status";
import { formatTimestamp } from "@/lib/destinations/humanize";
import { RelativeTime } from "@/app/_components/relative-time";

type Mirror = Extract<SyncStatus, { mode: "mirror" }>;

export function MirrorHeader({
  status,
  serverNow,
  linkToSync,
}: {
  status: Mirror;
  serverNow: string;
  linkToSync: boolean;
}) {
  const body = (
    <>
      Mirroring <span className="font-mono">{status.label}</span>
      {" · "}
      {status.running ? (
        <>syncing…</>
      ) : status.lastSyncOkAt !== null ? (
        <>
          synced <RelativeTime ms={String(status.lastSyncOkAt)} serverNow={serverNow} />
        </>
      ) : (
        <>not synced yet</>
      )}
    </>
  );
  return (
    <span className="text-xs text-slate-300" data-testid="mirror-status">
      {linkToSync ? (
        <Link href="/sync" className="hover:underline">
          {body}
        </Link>
      ) : (
        body
      )}
    </span>
  );
}

export function MirrorBanner({ status }: { status: Mirror }) {
  if (status.failingSince === null) return null;
  const asOf = status.lastSyncOkAt !== null ? formatTimestamp(BigInt(status.lastSyncOkAt)) : null;
  return (
    <div role="alert" data-testid="upstream-banner" className="border-b border-amber-300 bg-amber-50 text-amber-950">
      <p className="mx-auto max-w-screen-2xl px-3 py-2 text-sm">
        <strong>The homeserver does not answer</strong> ({status.lastError ?? "no reason given"}) since{" "}
        {formatTimestamp(BigInt(status.failingSince))} UTC.{" "}
        {asOf ? `What you see is as of ${asOf} UTC, the last complete sync.` : "Nothing has been synced yet."}
      </p>
    </div>
  );
}
