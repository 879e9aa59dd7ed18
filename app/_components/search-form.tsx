// The filter form above a list: a GET form (the state stays in the URL) with labelled fields.
import type { ReactNode } from "react";

export function SearchForm({
  action,
  className,
  children,
}: {
  action: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a form with the search role; <search> is not yet in every browser this console supports
    <form method="get" action={action} role="search" className={`flex flex-wrap items-end gap-2 ${className ?? ""}`}>
      {children}
    </form>
  );
}

export function FilterField({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the child passed in (input or select)
    <label className="flex flex-col text-xs font-medium text-slate-700">
      {label}
      {children}
    </label>
  );
}
