// Small presentational pieces shared by the console pages (server components).
import type { ReactNode } from "react";
import type { StatusKind } from "@/lib/destinations/destination-status";
import { STATUS_LABELS } from "@/lib/destinations/destination-status";
import { formatDuration, formatInteger } from "@/lib/destinations/humanize";

// Color is never the only signal: every badge has an icon and its name in words. The colours
// are `.status-badge[data-status=…]` in app/globals.css: a badge is in every row of the list.
const STATUS_ICON: Record<StatusKind, string> = {
  healthy: "✓",
  retrying: "↻",
  never_contacted: "○",
  reachable_backing_off: "◐",
  backing_off: "‖",
  blocked: "⊘",
};

export function StatusBadge({ kind, title }: { kind: StatusKind; title?: string }) {
  return (
    <span className="status-badge" title={title} data-status={kind}>
      <span aria-hidden="true">{STATUS_ICON[kind]}</span>
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

export const btn =
  "inline-flex items-center gap-1 rounded border px-2.5 py-1 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:cursor-not-allowed disabled:opacity-50";
export const btnPrimary = `${btn} border-sky-700 bg-sky-700 text-white hover:bg-sky-800`;
export const btnSecondary = `${btn} border-slate-300 bg-white text-slate-800 hover:bg-slate-100`;
export const btnDanger = `${btn} border-rose-700 bg-rose-700 text-white hover:bg-rose-800`;
export const input =
  "rounded border border-slate-300 bg-white px-2 py-1 text-sm focus:border-sky-600 focus:outline-none focus:ring-2 focus:ring-sky-500/40";
