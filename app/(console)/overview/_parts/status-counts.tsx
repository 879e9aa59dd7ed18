// Counts by status, each a link to the destinations list with that status filter.
import Link from "next/link";
import type { ReactNode } from "react";
import { STATUS_KINDS, STATUS_LABELS, type StatusFilter } from "@/lib/destinations/destination-status";
import type { LatestPoint } from "@/lib/ops/latest-point";
import { formatInteger } from "@/lib/destinations/humanize";
import { StatusBadge } from "@/app/_components/ui";

const listHref = (f: StatusFilter | null) => (f ? `/destinations?status=${f}` : "/destinations");

export function StatusCounts({
  point,
  known,
  showReachable,
}: {
  point: LatestPoint;
  known: bigint;
  showReachable: boolean;
}) {
  const failing = Object.values(point.failingKinds).reduce((a, b) => a + b, 0);
  const kinds = STATUS_KINDS.filter((k) => showReachable || k !== "reachable_backing_off" || point.byStatus[k] > 0);
  return (
    <section aria-labelledby="counts" className="mb-4">
      <h2 id="counts" className="sr-only">
        Destinations by status
      </h2>
      <ul className="grid grid-cols-2 gap-2 sm:grid-cols-4 2xl:grid-cols-8">
        <CountCard href={listHref(null)} label="All destinations" value={known} testId="count-all" />
        <CountCard href={listHref("failing")} label="Failing (backing off)" value={failing} testId="count-failing" />
        {kinds.map((k) => (
          <CountCard
            key={k}
            href={listHref(k)}
            label={<StatusBadge kind={k} />}
            value={point.byStatus[k]}
            testId={`count-${k}`}
            name={STATUS_LABELS[k]}
          />
        ))}
      </ul>
    </section>
  );
}

function CountCard({
  href,
  label,
  value,
  testId,
  name,
}: {
  href: string;
  label: ReactNode;
  value: number | bigint;
  testId: string;
  name?: string;
}) {
  return (
    <li>
      <Link
        href={href}
        data-testid={testId}
        aria-label={name ? `${name}: ${formatInteger(value)}` : undefined}
        className="block rounded border border-slate-200 bg-white p-2 hover:border-sky-400 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
      >
        <span className="block text-xs text-slate-700">{label}</span>
        <span className="block text-xl font-semibold tabular-nums" data-testid={`${testId}-value`}>
          {formatInteger(value)}
        </span>
      </Link>
    </li>
  );
}
