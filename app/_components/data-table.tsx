// The console's tables: one frame that scrolls sideways on narrow screens, a header row of
// column headers (sortable ones are links that say their direction), hairlines between rows.
import type { ComponentProps, ReactNode } from "react";
import Link from "next/link";

// Header styles are classes in app/globals.css (.col-head, .sort-link): sent twice per header
// (the HTML and the page's flight data), on every list page.
const th = "col-head";
const td = "px-2 py-1.5 align-top";
const join = (...classes: (string | undefined)[]) => classes.filter(Boolean).join(" ");

export function DataTable({
  testId,
  className,
  head,
  children,
}: {
  testId: string;
  className?: string;
  head: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className={join("w-full border-collapse text-sm", className)} data-testid={testId}>
        <thead className="border-b border-slate-200 bg-slate-50">
          <tr>{head}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export type SortState = "ascending" | "descending" | "none";

export function ColumnHeader({ className, ...props }: ComponentProps<"th">) {
  return <th scope="col" {...props} className={join(th, className)} />;
}

/** A header without a visible name (a column of buttons); screen readers still hear one. */
export function UnnamedColumn({ name }: { name: string }) {
  return (
    <ColumnHeader>
      <span className="sr-only">{name}</span>
    </ColumnHeader>
  );
}

/** A sortable column: aria-sort says the current order, the link goes to the other one (or sorts by it). */
export function SortHeader({
  label,
  href,
  sort,
  title,
  className,
}: {
  label: string;
  href: string;
  sort: SortState;
  title?: string;
  className?: string;
}) {
  return (
    <ColumnHeader className={className} aria-sort={sort}>
      <Link href={href} title={title} className="sort-link">
        {label}
        <span aria-hidden="true">{sort === "ascending" ? "▲" : sort === "descending" ? "▼" : "↕"}</span>
      </Link>
    </ColumnHeader>
  );
}

export function Row({ className, ...props }: ComponentProps<"tr">) {
  return <tr {...props} className={join("border-b border-slate-100 last:border-0", className)} />;
}

export function Cell({ className, ...props }: ComponentProps<"td">) {
  return <td {...props} className={join(td, className)} />;
}
