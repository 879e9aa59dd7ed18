// Small presentational pieces shared by the console pages (server components).
import type { ReactNode } from "react";
import type { StatusKind } from "@/lib/destinations/destination-status";
import { STATUS_LABELS } from "@/lib/destinations/destination-status";
import { formatDuration, formatInteger } from "@/lib/destinations/humanize";

// Color is never the only signal: every badge has an icon and its name in words. Colours and
// icons are `.status-badge[data-status=…]` in app/globals.css: a badge is in every row of the list.
export function StatusBadge({ kind, title }: { kind: StatusKind; title?: string }) {
  return (
    <span className="status-badge" title={title} data-status={kind}>
      {STATUS_LABELS[kind]}
    </span>
  );
}

export function OutcomeBadge({ outcome }: { outcome: string }) {
  const map: Record<string, [string, string, string]> = {
    success: ["bg-emerald-50 text-emerald-800 ring-emerald-600/30", "✓", "Success"],
    failure: ["bg-rose-50 text-rose-800 ring-rose-600/30", "✕", "Failed"],
    neutral: ["bg-slate-100 text-slate-700 ring-slate-500/30", "–", "Answered (no change)"],
  };
  const [cls, icon, label] = map[outcome] ?? map.neutral;
  return (
    <span
      className={`inline-flex items-center gap-1 whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${cls}`}
    >
      <span aria-hidden="true">{icon}</span>
      {label}
    </span>
  );
}

/** A duration in human units; the raw milliseconds in the tooltip (and for screen readers). */
export function Duration({ ms }: { ms: bigint | number }) {
  return (
    <abbr className="no-underline" title={`${ms.toString()} ms`}>
      {formatDuration(ms)}
    </abbr>
  );
}

export function Int({ value }: { value: bigint | number | null }) {
  if (value === null) return <span className="text-slate-500">—</span>;
  return <span className="tabular-nums">{formatInteger(value)}</span>;
}

export function Dash() {
  return <span className="text-slate-500">—</span>;
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
      <h1 className="text-lg font-semibold">{children}</h1>
      {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
    </div>
  );
}

export function Notice({ kind, children }: { kind: "error" | "ok" | "info"; children: ReactNode }) {
  const cls =
    kind === "error"
      ? "border-rose-300 bg-rose-50 text-rose-900"
      : kind === "ok"
        ? "border-emerald-300 bg-emerald-50 text-emerald-900"
        : "border-sky-300 bg-sky-50 text-sky-900";
  return (
    <div role={kind === "error" ? "alert" : "status"} className={`rounded border px-3 py-2 text-sm ${cls}`}>
      {children}
    </div>
  );
}

// Classes in app/globals.css (.btn, .btn-*, .field): a list page repeats them in its HTML and
// again in its flight data.
export const btn = "btn";
export const btnPrimary = "btn btn-primary";
export const btnSecondary = "btn btn-secondary";
export const btnDanger = "btn btn-danger";
export const input = "field";
