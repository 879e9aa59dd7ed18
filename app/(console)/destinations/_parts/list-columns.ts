// The list's columns, in order. On narrow screens the less telling ones give way (the
// destination's page shows them all): the `.destination-list` rules in app/globals.css hide
// columns 3, 6 and 8 below md and 7 below lg, by position, for the header and the cells alike —
// keep them in step with this order.
import type { ConsoleSort } from "@/lib/destinations/console-list-query";

export const COLUMNS: { sort: ConsoleSort; label: string }[] = [
  { sort: "destination", label: "Destination" },
  { sort: "status", label: "Status" },
  { sort: "failure_ts", label: "Failing since" },
  { sort: "last_attempt", label: "Last attempt" },
  { sort: "next_retry", label: "Next retry" },
  { sort: "retry_interval", label: "Retry interval" },
  { sort: "last_successful_stream_ordering", label: "Last successful stream ordering" },
  { sort: "rooms", label: "Shared rooms" },
];
