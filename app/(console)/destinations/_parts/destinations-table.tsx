// The destinations of one list page: every column sorts both ways; each row links to the
// destination and, for operators, resets it when it is backing off. The headers render here,
// on the server; the rows in the browser's DestinationList from compact ListRows.
import type { ConsoleListQuery } from "@/lib/destinations/console-list-query";
import type { ConsoleDestination } from "@/lib/destinations/console-rows";
import { toListRow } from "@/lib/destinations/list-row";
import { SortHeader, UnnamedColumn } from "@/app/_components/data-table";
import { DestinationList } from "./destination-list";
import { COLUMNS } from "./list-columns";

export function DestinationsTable({
  q,
  items,
  href,
  canReset,
  serverNow,
  watch,
  since,
}: {
  q: ConsoleListQuery;
  items: ConsoleDestination[];
  href: (change: Partial<ConsoleListQuery>) => string;
  canReset: boolean;
  serverNow: string;
  watch: string;
  since: number;
}) {
  return (
    <DestinationList
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
              />
            );
          })}
          {canReset ? <UnnamedColumn name="Actions" /> : null}
        </>
      }
      rows={items.map(toListRow)}
      watch={watch}
      since={since}
      canReset={canReset}
      serverNow={serverNow}
    />
  );
}
