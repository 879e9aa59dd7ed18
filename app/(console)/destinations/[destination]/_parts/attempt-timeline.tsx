// The attempt history as a timeline, newest first: when, outcome, trigger, what it found.
import type { AttemptRow } from "@/lib/destinations/list-attempts";
import { stepForAttemptStage } from "@/lib/checks/report-model";
import { describeFailure } from "@/lib/destinations/describe-error";
import { formatInteger } from "@/lib/destinations/humanize";
import { RelativeTime } from "@/app/_components/relative-time";
import { OutcomeBadge } from "@/app/_components/ui";

const TRIGGERS: Record<string, string> = { schedule: "Scheduled", reset: "Reset", probe: "Probe", manual: "Manual" };
const DOTS: Record<string, string> = { success: "bg-emerald-500", failure: "bg-rose-500" };

export function AttemptTimeline({
  attempts,
  serverNow,
  hasCheck = false,
}: {
  attempts: AttemptRow[];
  serverNow: string;
  /** A check report is shown above: failing attempts link to its step for their stage. */
  hasCheck?: boolean;
}) {
  return (
    <section aria-labelledby="history" className="mt-4">
      <h2 id="history" className="mb-2 text-sm font-semibold">
        Attempt history
      </h2>
      {attempts.length === 0 ? (
        <p className="text-sm text-slate-600">No attempts recorded yet.</p>
      ) : (
        <ol className="relative ml-2 border-l border-slate-300" data-testid="attempts">
          {attempts.map((a) => (
            <AttemptItem key={a.id.toString()} a={a} serverNow={serverNow} hasCheck={hasCheck} />
          ))}
        </ol>
      )}
    </section>
  );
}

function AttemptItem({ a, serverNow, hasCheck }: { a: AttemptRow; serverNow: string; hasCheck: boolean }) {
  const words = a.outcome === "success" ? null : describeFailure(a);
  const step = a.outcome === "success" ? null : stepForAttemptStage(a.stage);
  return (
    <li className="mb-2 ml-4" data-outcome={a.outcome} data-trigger={a.trigger}>
      <span
        aria-hidden="true"
        className={`absolute -left-1.5 mt-1.5 h-3 w-3 rounded-full border border-white ${DOTS[a.outcome] ?? "bg-slate-400"}`}
      />
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <RelativeTime ms={a.startedTs.toString()} serverNow={serverNow} absolute />
        <OutcomeBadge outcome={a.outcome} />
        <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-700">{TRIGGERS[a.trigger] ?? a.trigger}</span>
        <span className="text-xs text-slate-600">{formatInteger(a.durationMs)} ms</span>
        {a.httpStatus !== null ? <span className="text-xs text-slate-600">HTTP {a.httpStatus}</span> : null}
        {a.resolvedAddress ? <span className="font-mono text-xs text-slate-600">{a.resolvedAddress}</span> : null}
        {a.serverSoftware ? (
          <span className="text-xs text-slate-600">{`${a.serverSoftware} ${a.serverVersion ?? ""}`.trim()}</span>
        ) : null}
      </div>
      {words ? (
        <p className="text-sm text-rose-800">
          {words.summary}
          {words.detail ? <span className="block text-xs text-slate-600">{words.detail}</span> : null}
          {step !== null ? (
            <a
              href={hasCheck ? `#step-${step}` : "#federation-check"}
              className="block text-xs text-sky-800 underline"
              data-testid="attempt-check-link"
            >
              {hasCheck ? `See the check's "${step}" step` : `Run a federation check to see why (${step} step)`}
            </a>
          ) : null}
        </p>
      ) : null}
    </li>
  );
}
