// One row of the destinations list, drawn in the browser's list component (destination-list.tsx)
// from a ListRow. Repeated 100 times a page, so it is lean: no classes on cells (the
// `.destination-list` rules in app/globals.css style them by column), one clock for the page's
// relative times, and the Reset button submits the list's one form (no form per row).
import Link from "next/link";
import type { ReactNode } from "react";
import { statusOf, type ExactInt, type ListRow } from "@/lib/destinations/list-row";
import { formatDuration, formatInteger, formatRelative, formatTimestamp } from "@/lib/destinations/humanize";
import { StatusBadge } from "@/app/_components/ui";
import { serverNameLabels } from "@/app/_components/server-name";

/** The id of the list's reset form, which each row's Reset button submits (`form=`). */
export const RESET_FORM = "row-reset";

/** The row's reset control for operators: pending while its reset runs, the error if it failed. */
export type RowReset = { pending: boolean; error: string | null };

/** A cell, or a dash when there is no value. */
const cell = (v: ReactNode | null, title?: string) =>
  v === null ? (
    <td className="dash">—</td>
  ) : (
    <td title={title} suppressHydrationWarning>
      {v}
    </td>
  );

/** A time relative to `now` in a cell; the absolute UTC time its tooltip once `tips`. */
const ago = (ms: ExactInt | null, now: bigint, tips: boolean) =>
  ms === null ? cell(null) : cell(formatRelative(BigInt(ms), now), tips ? formatTimestamp(BigInt(ms)) : undefined);

/** The absolute UTC time, relative to `now` after it (one text node: the cell's muted colour). */
function At({ ms, now }: { ms: ExactInt; now: bigint }) {
  const ts = BigInt(ms);
  return (
    <>
      <span>{formatTimestamp(ts)}</span>
      {` (${formatRelative(ts, now)})`}
    </>
  );
}

/**
 * `tips`: tooltips (the absolute times, the interval's exact milliseconds, the error kind) are
 * added once the page is hydrated — hover-only details need not be in the HTML of 100 rows;
 * what the row shows is.
 */
export function DestinationRow({
  row,
  now,
  tips,
  reset,
}: {
  row: ListRow;
  now: bigint;
  tips: boolean;
  reset: RowReset | undefined;
}) {
  const [name, , errorKind, failingSince, lastAttempt, nextRetry, interval, ordering, rooms, resettable] = row;
  return (
    <tr data-destination={name}>
      <td>
        <Link href={`/destinations/${encodeURIComponent(name)}`}>{serverNameLabels(name)}</Link>
      </td>
      <td>
        <StatusBadge kind={statusOf(row)} title={tips ? (errorKind ?? undefined) : undefined} />
      </td>
      {ago(failingSince, now, tips)}
      {ago(lastAttempt, now, tips)}
      {cell(nextRetry !== null ? <At ms={nextRetry} now={now} /> : null)}
      {cell(BigInt(interval) !== 0n ? formatDuration(BigInt(interval)) : null, tips ? `${interval} ms` : undefined)}
      {cell(ordering !== null ? formatInteger(BigInt(ordering)) : null)}
      <td>{formatInteger(rooms)}</td>
      {reset !== undefined ? (
        <td>
          {resettable ? (
            <>
              <button
                type="submit"
                form={RESET_FORM}
                name="destination"
                value={name}
                disabled={reset.pending}
                aria-label={`Reset ${name}`}
                className="row-reset"
              >
                {reset.pending ? "Resetting…" : "Reset"}
              </button>
              {reset.error ? (
                <span role="alert" className="row-error">
                  {reset.error}
                </span>
              ) : null}
            </>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}
