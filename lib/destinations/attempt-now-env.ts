// This process's AttemptNowEnv, from settings(): the scheduler's attempt options (IP guard, CA,
// resolver, deadline, the shared well-known cache), its backoff, history bound and claim lease,
// the manual-attempt rate, the alert detection the scheduler installs, and whether this
// console mirrors a homeserver (asked each time: tests install their own mirror context).
import { settings } from "../settings/settings";
import { attemptOptionsFrom } from "../federation/attempt-connection";
import { mirrorContext } from "../upstream/mirror";
import { noteAttemptForAlerts } from "../webhooks/note-attempt";
import type { AttemptNowEnv } from "./attempt-now";

let base: Omit<AttemptNowEnv, "mirror"> | undefined;

export function processAttemptNowEnv(): AttemptNowEnv {
  if (!base) {
    const s = settings();
    const attempt = attemptOptionsFrom(s.attempts);
    base = {
      attempt,
      backoff: s.scheduler.backoff,
      historyLimit: s.scheduler.attemptHistory,
      // The scheduler's lease (lib/federation/scheduler.ts): it outlasts any honest attempt.
      leaseMs: s.scheduler.claimLeaseMs ?? attempt.timeoutMs * 2 + 30_000,
      perUserPerMinute: s.scheduler.manualAttemptsPerUserPerMinute,
      noteForAlerts: (tx, claim, result, nowMs) =>
        noteAttemptForAlerts(tx, claim.destination, claim.timings, result, nowMs, s.webhooks),
    };
  }
  return { ...base, mirror: mirrorContext() !== undefined };
}
