// The charts' numbers as a table (for screen readers and keyboards), folded away: at most 48
// rows, evenly spread over the range, newest first.
import { formatTimestamp } from "@/lib/destinations/humanize";
import type { ChartSeries } from "./time-chart";

const MAX_ROWS = 48;

export function HistoryTable({ caption, ts, series }: { caption: string; ts: number[]; series: ChartSeries[] }) {
  if (ts.length === 0) return null;
  const step = Math.max(1, Math.ceil(ts.length / MAX_ROWS));
  const rows: number[] = [];
  for (let i = ts.length - 1; i >= 0; i -= step) rows.push(i);
  return (
    <details className="mt-1 text-sm">
      <summary className="cursor-pointer text-slate-700">{caption}: the numbers</summary>
      <div className="max-h-72 overflow-auto">
        <table className="mt-1 w-full text-right text-xs tabular-nums">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              <th scope="col" className="text-left">
                Time (UTC)
              </th>
              {series.map((s) => (
                <th scope="col" key={s.label} className="px-1">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((i) => (
              <tr key={ts[i]} className="border-t border-slate-100">
                <th scope="row" className="whitespace-nowrap text-left font-normal">
                  {formatTimestamp(BigInt(ts[i] * 1000))}
                </th>
                {series.map((s) => (
                  <td key={s.label} className="px-1">
                    {s.values[i] === null ? "—" : s.values[i]?.toLocaleString("en")}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
