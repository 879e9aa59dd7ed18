// Mirror mode: the homeserver's view beside ours — "The homeserver backs off since 3 h; our
// probe: TLS: certificate has expired" — and whether this page could read it fresh.
import type { ConsoleDestination } from "@/lib/destinations/console-rows";
import type { AttemptRow } from "@/lib/destinations/list-attempts";
import { describeCurrentFailure } from "@/lib/destinations/describe-error";
import type { ReadThrough } from "@/lib/upstream/read-through";
import { RelativeTime } from "@/app/_components/relative-time";
import { Notice } from "@/app/_components/ui";

export function MirrorSummary({
  d,
  attempts,
  fresh,
  serverNow,
}: {
  d: ConsoleDestination;
  attempts: AttemptRow[];
  fresh: ReadThrough;
  serverNow: string;
}) {
  const since = d.failureTs ?? (d.retryLastTs > 0n ? d.retryLastTs : null);
  const probe = attempts[0];
  const failure = describeCurrentFailure(d, attempts);
  return (
    <section aria-label="The homeserver's view" className="mb-3 text-sm" data-testid="mirror-summary">
      {!fresh.ok ? (
        <Notice kind="info">Shown as of the last sync: the homeserver did not answer now ({fresh.reason}).</Notice>
      ) : !fresh.knownUpstream ? (
        <Notice kind="info">The homeserver no longer lists this destination; the next full sync removes it.</Notice>
      ) : null}
      {since !== null ? (
        <p>
          The homeserver backs off since <RelativeTime ms={since.toString()} serverNow={serverNow} absolute />
          {"; "}
          {probe ? (
            <>
              our probe <RelativeTime ms={probe.startedTs.toString()} serverNow={serverNow} />:{" "}
              <strong>
                {probe.outcome === "success"
                  ? "reachable — a reset lets the homeserver try again now"
                  : (failure?.summary ?? "failed")}
              </strong>
            </>
          ) : (
            "our prober has not contacted it yet"
          )}
          .
        </p>
      ) : (
        <p>The homeserver does not back off from this destination.</p>
      )}
    </section>
  );
}
