// The list's columns, shared by the table (server) and its live rows (client).
import type { ConsoleSort } from "@/lib/destinations/console-list-query";

// A priority of columns: on narrow screens the less telling ones give way (the destination's
// page shows them all). Each column's class applies to its header and to its cells.
const PHONE_HIDDEN = "hidden md:table-cell";
const TABLET_HIDDEN = "hidden lg:table-cell";
export const COLUMNS: { sort: ConsoleSort; label: string; className?: string }[] = [
  { sort: "destination", label: "Destination" },
  { sort: "status", label: "Status" },
  { sort: "failure_ts", label: "Failing since", className: PHONE_HIDDEN },
  { sort: "last_attempt", label: "Last attempt" },
  { sort: "next_retry", label: "Next retry" },
  { sort: "retry_interval", label: "Retry interval", className: PHONE_HIDDEN },
  {
    sort: "last_successful_stream_ordering",
    label: "Last successful stream ordering",
    className: `text-right ${TABLET_HIDDEN}`,
  },
  { sort: "rooms", label: "Shared rooms", className: `text-right ${PHONE_HIDDEN}` },
];
export const cls = (sort: ConsoleSort) => COLUMNS.find((c) => c.sort === sort)?.className;
