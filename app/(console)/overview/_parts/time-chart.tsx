"use client";
// One history chart (uPlot: ~50 kB, canvas, made for time series; the server component passes
// the column arrays). Readable without colour: every series has its own dash pattern and its
// name in the legend. Numbers on hover, and by keyboard: focus the chart and use ← → (Home,
// End) to move the cursor; the legend shows the values at the cursor. The same numbers are in
// a table beside it (history-table.tsx). uPlot styles its elements through CSSOM (element.style),
// which the console's CSP allows; its stylesheet comes through the app's CSS bundle.
import { type KeyboardEvent, useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export type ChartSeries = { label: string; values: (number | null)[]; color: string; dash: number[] };

export function TimeChart({
  title,
  ts,
  series,
  unit,
  testId,
}: {
  title: string;
  ts: number[];
  series: ChartSeries[];
  unit: string;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [at, setAt] = useState(-1);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot(
      {
        width: Math.max(280, el.clientWidth),
        height: 220,
        series: [
          { label: "Time" },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            dash: s.dash,
            width: 2,
            points: { show: ts.length <= 60 },
            value: (_: uPlot, v: number | null) => (v === null ? "—" : `${v.toLocaleString("en")} ${unit}`),
          })),
        ],
        axes: [{}, { size: 60 }],
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
        legend: { live: true },
      },
      [ts, ...series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(280, el.clientWidth), height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [ts, series, unit]);

  const onKey = (e: KeyboardEvent) => {
    const u = plot.current;
    if (!u || ts.length === 0) return;
    const step = { ArrowLeft: -1, ArrowRight: 1, Home: -ts.length, End: ts.length }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    const i = Math.min(ts.length - 1, Math.max(0, (at < 0 ? ts.length : at) + step));
    setAt(i);
    u.setCursor({ left: u.valToPos(ts[i], "x"), top: 10 });
  };
  const shown = at < 0 || at >= ts.length ? ts.length - 1 : at;
  const valueText =
    ts.length === 0
      ? ""
      : `${new Date(ts[shown] * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC: ${series
          .map((s) => `${s.label} ${s.values[shown] ?? "—"}${unit ? ` ${unit}` : ""}`)
          .join(", ")}`;

  return (
    <figure
      className="min-w-0 rounded border border-slate-200 bg-white p-2"
      data-testid={testId}
      data-points={ts.length}
    >
      <figcaption className="mb-1 text-sm font-semibold">{title}</figcaption>
      {ts.length === 0 ? (
        <p className="text-sm text-slate-600">No history points in this range yet.</p>
      ) : (
        // A slider over the points: ← → move the chart's cursor, and the values are read out.
        <div
          ref={box}
          tabIndex={0}
          role="slider"
          aria-label={`${title} (${ts.length} points; arrow keys move through time)`}
          aria-valuemin={0}
          aria-valuemax={ts.length - 1}
          aria-valuenow={shown}
          aria-valuetext={valueText}
          onKeyDown={onKey}
          className="w-full focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
        />
      )}
    </figure>
  );
}
