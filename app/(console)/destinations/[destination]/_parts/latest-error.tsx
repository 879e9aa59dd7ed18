// The destination's current error in plain words, while it is not answering.
import type { ConsoleDestination } from "@/lib/destinations/console-rows";
import type { AttemptRow } from "@/lib/destinations/list-attempts";
import { describeCurrentFailure } from "@/lib/destinations/describe-error";
import { RelativeTime } from "@/app/_components/relative-time";
import { Notice } from "@/app/_components/ui";

export function LatestError({
  d,
  attempts,
  serverNow,
}: {
  d: ConsoleDestination;
  attempts: AttemptRow[];
  serverNow: string;
}) {
  const failure = describeCurrentFailure(d, attempts);
  if (!failure || d.lastOutcome === "success") return null;
  return (
    <section aria-label="Latest error" className="mb-3" data-testid="latest-error">
      <Notice kind="error">
        <strong>{failure.summary}</strong>
        {failure.detail ? <span className="block text-xs">{failure.detail}</span> : null}
        {d.lastAttemptTs !== null ? (
          <span className="block text-xs">
            Last attempt <RelativeTime ms={d.lastAttemptTs.toString()} serverNow={serverNow} absolute />
          </span>
        ) : null}
      </Notice>
    </section>
  );
}
