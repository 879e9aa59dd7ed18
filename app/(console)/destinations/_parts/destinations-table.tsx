// The destinations of one list page: every column sorts both ways; each row links to the
// destination and, for operators, resets it when it is backing off.
import type { ConsoleListQuery } from "@/lib/destinations/console-list-query";
import type { ConsoleDestination } from "@/lib/destinations/console-rows";
import { DataTable, SortHeader, UnnamedColumn } from "@/app/_components/data-table";
import { DestinationRow } from "./destination-row";
import { COLUMNS } from "./list-columns";

export function DestinationsTable({
  q,
  items,
  href,
  canReset,
  serverNow,
}: {
  q: ConsoleListQuery;
  items: ConsoleDestination[];
  href: (change: Partial<ConsoleListQuery>) => string;
  canReset: boolean;
  serverNow: string;
}) {
  return (
    <DataTable
      testId="destinations"
      head={
        <>
          {COLUMNS.map((c) => {
            const active = q.sort === c.sort;
            const nextDir = active && q.dir === "asc" ? "desc" : "asc";
            return (
              <SortHeader
                key={c.sort}
                label={c.label}
                href={href({ sort: c.sort, dir: nextDir })}
                sort={active ? (q.dir === "asc" ? "ascending" : "descending") : "none"}
                title={`Sort by ${c.label.toLowerCase()} (${nextDir === "asc" ? "ascending" : "descending"})`}
                className={c.className}
              />
            );
          })}
          {canReset ? <UnnamedColumn name="Actions" /> : null}
        </>
      }
    >
      {items.map((d) => (
        <DestinationRow key={d.destination} d={d} canReset={canReset} serverNow={serverNow} />
      ))}
    </DataTable>
  );
}
