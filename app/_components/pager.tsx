// Page navigation under a table: links to the other pages and, between them, where we are.
import type { ReactNode } from "react";
import Link from "next/link";

export function Pager({ label, children }: { label: string; children: ReactNode }) {
  return (
    <nav aria-label={label} className="mt-2 flex flex-wrap items-center gap-2 text-sm">
      {children}
    </nav>
  );
}

/** A link to another page; with no such page (`href` null) a greyed placeholder keeps the pager's shape. */
export function PageLink({ href, label, rel }: { href: string | null; label: string; rel?: "prev" | "next" }) {
  if (href === null)
    return (
      <span className="rounded border border-slate-200 px-2 py-0.5 text-slate-400" aria-disabled="true">
        {label}
      </span>
    );
  return (
    <Link
      href={href}
      rel={rel}
      className="rounded border border-slate-300 bg-white px-2 py-0.5 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
    >
      {label}
    </Link>
  );
}
