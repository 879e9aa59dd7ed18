// A stored federation check as the console shows it: the verdict and the first blocking
// problem on top, then warnings, then every step with its mark (✓ pass, ! warning, ✗ fail,
// – skipped) and details. Each step has an anchor (#step-<step>[-<ip:port>]); the first failing
// step of each kind also answers #step-<kind>, which the attempt history links to.
import type { StoredCheck } from "@/lib/checks/stored-checks";
import { reportSteps, type ReportStep } from "@/lib/checks/report-steps";
import type { StepStatus } from "@/lib/checks/report-model";
import { RelativeTime } from "@/app/_components/relative-time";

const MARK: Record<StepStatus, { icon: string; label: string; cls: string }> = {
  pass: { icon: "✓", label: "pass", cls: "text-emerald-700" },
  warn: { icon: "!", label: "warning", cls: "text-amber-700" },
  fail: { icon: "✗", label: "fail", cls: "text-rose-700" },
  skip: { icon: "–", label: "skipped", cls: "text-slate-500" },
};

function kindAnchors(steps: ReportStep[]): Map<ReportStep, string> {
  const chosen = new Map<string, ReportStep>();
  for (const s of steps) {
    const had = chosen.get(s.step);
    if (had === undefined || (had.status !== "fail" && s.status === "fail")) chosen.set(s.step, s);
  }
  return new Map([...chosen.entries()].filter(([kind, s]) => s.anchor !== kind).map(([kind, s]) => [s, kind]));
}

export function CheckReportView({ check, serverNow }: { check: StoredCheck; serverNow: string }) {
  const r = check.report;
  if (r === null) {
    return (
      <p className="text-sm text-slate-600" data-testid="check-summary">
        {check.finishedAt === null ? "This check is still running…" : (check.headline ?? "No report.")}
      </p>
    );
  }
  const steps = reportSteps(r);
  const extra = kindAnchors(steps);
  const ok = r.summary.federationOk;
  return (
    <div data-testid="check-report" data-federation-ok={ok ? "true" : "false"}>
      <div
        className={`mb-2 rounded border px-3 py-2 text-sm ${ok ? "border-emerald-300 bg-emerald-50 text-emerald-900" : "border-rose-300 bg-rose-50 text-rose-900"}`}
        data-testid="check-summary"
      >
        <p className="font-semibold">{ok ? "✓ Federation works" : "✗ Federation fails"}</p>
        <p>{r.summary.headline}</p>
        {r.summary.problems.length > 1 ? (
          <ul className="mt-1 list-disc pl-5 text-xs">
            {r.summary.problems.slice(1).map((p) => (
              <li key={`${p.step}-${p.address}-${p.message}`}>{p.message}</li>
            ))}
          </ul>
        ) : null}
      </div>
      {r.summary.warnings.length > 0 ? (
        <ul className="mb-2 list-none text-sm text-amber-900" data-testid="check-warnings">
          {r.summary.warnings.map((w) => (
            <li key={`${w.step}-${w.address}-${w.message}`}>
              <span aria-hidden="true">! </span>
              {w.message}
            </li>
          ))}
        </ul>
      ) : null}
      <p className="mb-1 text-xs text-slate-600">
        Checked <RelativeTime ms={String(check.startedAt.getTime())} serverNow={serverNow} absolute /> by{" "}
        {check.requestedBy} in {r.durationMs} ms (deadline {r.deadlineMs / 1000} s)
      </p>
      <ol className="divide-y divide-slate-200 rounded border border-slate-200" data-testid="check-steps">
        {steps.map((s) => {
          const m = MARK[s.status];
          return (
            <li
              key={s.anchor}
              id={`step-${s.anchor}`}
              data-step={s.step}
              data-status={s.status}
              className="px-3 py-1.5 text-sm"
            >
              {extra.has(s) ? <span id={`step-${extra.get(s)}`} /> : null}
              <span className={`mr-1 font-bold ${m.cls}`} title={m.label}>
                {m.icon}
                <span className="sr-only"> {m.label}</span>
              </span>
              <span className="font-medium">{s.title}</span>: <span>{s.verdict}</span>
              {s.details.length > 0 ? (
                <ul className="mt-0.5 pl-5 font-mono text-xs text-slate-600">
                  {s.details.map((d) => (
                    <li key={d} className="break-all">
                      {d}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
