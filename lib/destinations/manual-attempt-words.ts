// The console's short result line after "Attempt now": what the attempt found, and what it did
// to the retry timings (a success clears a backoff; a failure leaves them as they were).
import type { ManualAttempt } from "./attempt-now";
import { describeFailure } from "./describe-error";
import { formatInteger } from "./humanize";

export function manualAttemptWords(m: ManualAttempt): string {
  const a = m.attempt;
  const took = `in ${formatInteger(a.durationMs)} ms`;
  const backingOff = m.destination.retryLastTs > 0n;
  if (a.outcome === "success") {
    const software = a.serverSoftware ? ` (${`${a.serverSoftware} ${a.serverVersion ?? ""}`.trim()})` : "";
    const timings = m.timingsChanged
      ? "; backoff cleared."
      : backingOff
        ? "; still backing off here: the homeserver keeps its own retry timings (reset it to clear them)."
        : ".";
    return `Attempt succeeded ${took}${software}${timings}`;
  }
  const why = describeFailure(a)?.summary ?? a.reason ?? "no reason recorded";
  const verb = a.outcome === "failure" ? "failed" : "answered";
  return `Attempt ${verb} ${took}: ${why}. Retry timings unchanged${backingOff ? " (the next retry stays as scheduled)" : ""}.`;
}
