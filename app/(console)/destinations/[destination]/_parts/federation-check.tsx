// The destination's federation checks: Check now (any role), Flush cached discovery
// (operators), the selected report (the latest unless ?check=<id>) and the earlier ones.
import Link from "next/link";
import type { StoredCheck } from "@/lib/checks/stored-checks";
import { destinationPath } from "@/lib/destinations/detail-query";
import { RelativeTime } from "@/app/_components/relative-time";
import { CheckReportView } from "../../../_parts/check-report";
import { CheckNowButton, FlushDiscoveryButton } from "../../../_parts/check-forms";

export function FederationCheck({
  destination,
  shown,
  history,
  canFlush,
  serverNow,
}: {
  destination: string;
  shown: StoredCheck | null;
  history: StoredCheck[];
  canFlush: boolean;
  serverNow: string;
}) {
  return (
    <section aria-labelledby="federation-check" className="mt-4">
      <div className="mb-2 flex flex-wrap items-start gap-2">
        <h2 id="federation-check" className="mr-2 text-sm font-semibold">
          Federation check
        </h2>
        <CheckNowButton destination={destination} />
        {canFlush ? <FlushDiscoveryButton destination={destination} /> : null}
      </div>
      {shown === null ? (
        <p className="text-sm text-slate-600">
          No check yet. A check walks well-known, DNS, TLS, keys and version for every address, from this server, and
          changes no retry timing.
        </p>
      ) : (
        <CheckReportView check={shown} serverNow={serverNow} />
      )}
      {history.length > 1 ? (
        <details className="mt-2 text-sm" data-testid="check-history">
          <summary className="cursor-pointer">Earlier checks ({history.length})</summary>
          <ol className="mt-1 pl-2">
            {history.map((c) => (
              <li key={c.id.toString()} className="flex flex-wrap gap-2">
                <Link
                  href={`${destinationPath(destination)}?check=${c.id}#federation-check`}
                  className="text-sky-800 underline"
                  aria-current={shown?.id === c.id ? "true" : undefined}
                >
                  <RelativeTime ms={String(c.startedAt.getTime())} serverNow={serverNow} absolute />
                </Link>
                <span>{c.federationOk === null ? "…" : c.federationOk ? "✓ OK" : "✗ fails"}</span>
                <span className="text-slate-600">{c.headline}</span>
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </section>
  );
}
