// The list's filters: the search form (server name, status, page size) and the status tabs.
// Both only change the URL; the sort and direction are carried along.
import Link from "next/link";
import { PAGE_SIZES, type ConsoleListQuery } from "@/lib/destinations/console-list-query";
import { STATUS_LABELS, type StatusFilter } from "@/lib/destinations/destination-status";
import { FilterField, SearchForm } from "@/app/_components/search-form";
import { btnSecondary, input } from "@/app/_components/ui";

const FILTER_TABS: { value: StatusFilter | null; label: string }[] = [
  { value: null, label: "All" },
  { value: "failing", label: "Failing" },
  { value: "backing_off", label: STATUS_LABELS.backing_off },
  { value: "reachable_backing_off", label: STATUS_LABELS.reachable_backing_off },
  { value: "blocked", label: STATUS_LABELS.blocked },
  { value: "retrying", label: STATUS_LABELS.retrying },
  { value: "never_contacted", label: STATUS_LABELS.never_contacted },
  { value: "healthy", label: STATUS_LABELS.healthy },
];

export function ListSearchForm({ q }: { q: ConsoleListQuery }) {
  return (
    <SearchForm action="/destinations" className="mb-2">
      <FilterField label="Search server names">
        <input
          name="q"
          type="search"
          defaultValue={q.search}
          placeholder="e.g. matrix.org"
          className={`${input} w-64`}
        />
      </FilterField>
      <FilterField label="Status">
        <select name="status" defaultValue={q.status ?? ""} className={input}>
          {FILTER_TABS.map((t) => (
            <option key={t.label} value={t.value ?? ""}>
              {t.label}
            </option>
          ))}
        </select>
      </FilterField>
      <FilterField label="Per page">
        <select name="size" defaultValue={String(q.size)} className={input}>
          {PAGE_SIZES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </FilterField>
      {q.sort !== "destination" ? <input type="hidden" name="sort" value={q.sort} /> : null}
      {q.dir !== "asc" ? <input type="hidden" name="dir" value={q.dir} /> : null}
      <button type="submit" className={btnSecondary}>
        Apply
      </button>
    </SearchForm>
  );
}

export function StatusTabs({ q, href }: { q: ConsoleListQuery; href: (change: Partial<ConsoleListQuery>) => string }) {
  return (
    <nav aria-label="Status filter" className="mb-2 flex flex-wrap gap-1 text-sm">
      {FILTER_TABS.map((t) => {
        const active = q.status === t.value;
        return (
          <Link
            key={t.label}
            href={href({ status: t.value })}
            aria-current={active ? "page" : undefined}
            className="filter-tab"
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}

/** The filter in words, for the bulk reset's confirmation ("“matrix” and status Blocked"). */
export function filterWords(q: ConsoleListQuery): string {
  const parts: string[] = [];
  if (q.search) parts.push(`“${q.search}”`);
  if (q.status && q.status !== "failing") parts.push(`status ${STATUS_LABELS[q.status]}`);
  return parts.length ? parts.join(" and ") : "the whole list";
}
