// Who reset the destination last, and what the attempt it triggered found.
import type { LatestReset as LatestResetRow } from "@/lib/destinations/latest-reset";
import { describeFailure } from "@/lib/destinations/describe-error";
import { formatInteger, formatTimestamp } from "@/lib/destinations/humanize";
import { Notice } from "@/app/_components/ui";

const OUTCOME_WORDS: Record<string, string> = { success: "succeeded", failure: "failed" };

export function LatestReset({ reset, inProgress }: { reset: LatestResetRow | null; inProgress: boolean }) {
  if (!reset) return null;
  const { attempt } = reset;
  return (
    <section aria-label="Latest reset" className="mb-3" data-testid="latest-reset">
      <Notice kind="info">
        Reset by <strong>{reset.actor}</strong> ({reset.via}) at {formatTimestamp(reset.at.getTime())}
        {" → "}
        {attempt ? (
          <span data-testid="reset-attempt-result">
            attempt {OUTCOME_WORDS[attempt.outcome] ?? "answered"} in {formatInteger(attempt.durationMs)} ms
            {attempt.outcome !== "success" && attempt.reason
              ? `: ${describeFailure(attempt)?.summary ?? attempt.reason}`
              : ""}
          </span>
        ) : inProgress ? (
          <span data-testid="reset-attempt-result">attempt in progress…</span>
        ) : (
          <span data-testid="reset-attempt-result">no attempt recorded (its history may have been trimmed)</span>
        )}
      </Notice>
    </section>
  );
}
