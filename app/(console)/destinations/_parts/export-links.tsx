// "Export": every destination matching the list's current search and filter (not only this
// page) as a file, streamed by app/export/destinations (README "Export").
import type { ConsoleListQuery } from "@/lib/destinations/console-list-query";
import { btnSecondary } from "@/app/_components/ui";

export function exportHref(q: Pick<ConsoleListQuery, "search" | "status">, format: "csv" | "jsonl"): string {
  const p = new URLSearchParams();
  if (q.search) p.set("q", q.search);
  if (q.status) p.set("status", q.status);
  p.set("format", format);
  return `/export/destinations?${p}`;
}

export function ExportLinks({ q, count }: { q: ConsoleListQuery; count: string }) {
  return (
    <span className="inline-flex items-center gap-2" data-testid="export">
      <span className="text-sm text-slate-700">Export {count}:</span>
      <a href={exportHref(q, "csv")} download className={btnSecondary}>
        CSV
      </a>
      <a href={exportHref(q, "jsonl")} download className={btnSecondary}>
        JSON Lines
      </a>
    </span>
  );
}
