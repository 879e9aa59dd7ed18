// One row of the destinations list, drawn in the browser's list component (destination-list.tsx)
// from a ListRow. Repeated 100 times a page, so it is lean: no classes on cells (the
// `.destination-list` rules in app/globals.css style them by column), one clock for the page's
// relative times, and the Reset button submits the list's one form (no form per row).
import Link from "next/link";
import type { ListRow } from "@/lib/destinations/list-row";
import { formatDuration, formatInteger, formatRelative, formatTimestamp } from "@/lib/destinations/humanize";
import { StatusBadge } from "@/app/_components/ui";
import { ServerName } from "@/app/_components/server-name";

/** The id of the list's reset form, which each row's Reset button submits (`form=`). */
export const RESET_FORM = "row-reset";

/** The row's reset control for operators: pending while its reset runs, the error if it failed. */
export type RowReset = { pending: boolean; error: string | null };

const DASH = <span className="dash">—</span>;

/** A time relative to `now`, the absolute UTC time in its tooltip (or beside it). */
function When({ ms, now, absolute = false }: { ms: string; now: bigint; absolute?: boolean }) {
  const ts = BigInt(ms);
  const abs = formatTimestamp(ts);
  const n = Number(ms);
  const iso = Number.isFinite(n) && Math.abs(n) <= 8.64e15 ? new Date(n).toISOString() : undefined;
  const rel = formatRelative(ts, now);
  return (
    <time dateTime={iso} title={abs} className={absolute ? "abs" : undefined} suppressHydrationWarning>
      {absolute ? (
        <>
          <span>{abs}</span> <span className="rel" suppressHydrationWarning>{`(${rel})`}</span>
        </>
      ) : (
        rel
      )}
    </time>
  );
}

export function DestinationRow({ row, now, reset }: { row: ListRow; now: bigint; reset: RowReset | undefined }) {
  const [name, kind, errorKind, failingSince, lastAttempt, nextRetry, interval, ordering, rooms, resettable] = row;
  return (
    <tr data-destination={name}>
      <td>
        <Link href={`/destinations/${encodeURIComponent(name)}`}>
          <ServerName name={name} />
        </Link>
      </td>
      <td>
        <StatusBadge kind={kind} title={errorKind ?? undefined} />
      </td>
      <td>{failingSince !== null ? <When ms={failingSince} now={now} /> : DASH}</td>
      <td>{lastAttempt !== null ? <When ms={lastAttempt} now={now} /> : DASH}</td>
      <td>{nextRetry !== null ? <When ms={nextRetry} now={now} absolute /> : DASH}</td>
      <td>{interval !== "0" ? <abbr title={`${interval} ms`}>{formatDuration(BigInt(interval))}</abbr> : DASH}</td>
      <td>{ordering !== null ? formatInteger(BigInt(ordering)) : DASH}</td>
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
                title={`Clear the backoff of ${name} and attempt it now`}
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
