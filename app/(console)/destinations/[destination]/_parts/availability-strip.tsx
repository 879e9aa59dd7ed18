// The attempt history as a status-page strip, oldest to newest, and the share of successful
// attempts over everything kept. Not colour alone: a success is a full bar, a failure a short
// one with a cross-hatch, an answer without change a half bar; each cell names itself.
import { formatTimestamp } from "@/lib/destinations/humanize";
import { type Availability, formatShare } from "@/lib/ops/availability";

const CELL: Record<string, { cls: string; word: string }> = {
  success: { cls: "h-6 bg-emerald-500", word: "succeeded" },
  failure: {
    cls: "h-2.5 bg-rose-600 bg-[repeating-linear-gradient(45deg,transparent,transparent_2px,rgba(255,255,255,.6)_2px,rgba(255,255,255,.6)_3px)]",
    word: "failed",
  },
  neutral: { cls: "h-4 bg-slate-400", word: "answered, no change" },
};

export function AvailabilityStrip({ a }: { a: Availability }) {
  if (a.attempts === 0) return null;
  return (
    <section aria-labelledby="availability" className="mt-4" data-testid="availability">
      <h2 id="availability" className="mb-1 text-sm font-semibold">
        Availability
      </h2>
      <p className="mb-1 text-sm" data-testid="success-share">
        <span className="font-semibold tabular-nums">{formatShare(a.successes, a.attempts)}</span> of the{" "}
        {a.attempts.toLocaleString("en")} kept attempts succeeded ({a.failures.toLocaleString("en")} failed).
      </p>
      <ol className="flex h-6 items-end gap-px" aria-label={`The last ${a.strip.length} attempts, oldest first`}>
        {a.strip.map((c) => {
          const s = CELL[c.outcome] ?? CELL.neutral;
          const label = `${formatTimestamp(c.startedTs)}: ${s.word}${c.reason ? ` (${c.reason})` : ""}`;
          return (
            <li
              key={c.id.toString()}
              className={`w-1.5 shrink-0 rounded-sm ${s.cls}`}
              title={label}
              data-outcome={c.outcome}
            >
              <span className="sr-only">{label}</span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
