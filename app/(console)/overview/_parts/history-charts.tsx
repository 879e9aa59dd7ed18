// The two history charts and their tables: destinations by status, attempts per minute by outcome.
import { STATUS_KINDS, STATUS_LABELS } from "@/lib/destinations/destination-status";
import type { History } from "@/lib/ops/read-history";
import { type ChartSeries, TimeChart } from "./time-chart";
import { HistoryTable } from "./history-table";

// Colour plus a dash pattern each, so the series stay apart in greyscale.
const STATUS_SERIES: Record<(typeof STATUS_KINDS)[number], { color: string; dash: number[] }> = {
  healthy: { color: "#059669", dash: [] },
  retrying: { color: "#0284c7", dash: [2, 3] },
  never_contacted: { color: "#64748b", dash: [1, 4] },
  reachable_backing_off: { color: "#7c3aed", dash: [8, 3, 2, 3] },
  backing_off: { color: "#d97706", dash: [10, 4] },
  blocked: { color: "#e11d48", dash: [4, 4] },
};
const OUTCOMES = [
  { key: "success", label: "Succeeded", color: "#059669", dash: [] },
  { key: "failure", label: "Failed", color: "#e11d48", dash: [10, 4] },
  { key: "neutral", label: "Answered, no change", color: "#64748b", dash: [2, 3] },
] as const;

export function HistoryCharts({ h, showReachable }: { h: History; showReachable: boolean }) {
  // "Reachable, still backing off" only happens in mirror mode; shown elsewhere only if it did.
  const reachable = showReachable || h.status.reachable_backing_off.some((v) => v > 0);
  const kinds = STATUS_KINDS.filter((k) => reachable || k !== "reachable_backing_off");
  const status: ChartSeries[] = kinds.map((k) => ({
    label: STATUS_LABELS[k],
    values: h.status[k],
    ...STATUS_SERIES[k],
  }));
  const attempts: ChartSeries[] = OUTCOMES.map((o) => ({
    label: o.label,
    values: h.attemptsPerMinute[o.key],
    color: o.color,
    dash: [...o.dash],
  }));
  return (
    <div className="grid gap-3 xl:grid-cols-2">
      <div>
        <TimeChart
          key={h.range}
          title="Destinations by status"
          ts={h.ts}
          series={status}
          unit=""
          testId="chart-status"
        />
        <HistoryTable caption="Destinations by status" ts={h.ts} series={status} />
      </div>
      <div>
        <TimeChart
          key={h.range}
          title="Attempts per minute by outcome"
          ts={h.ts}
          series={attempts}
          unit="/min"
          testId="chart-attempts"
        />
        <HistoryTable caption="Attempts per minute by outcome" ts={h.ts} series={attempts} />
      </div>
    </div>
  );
}
