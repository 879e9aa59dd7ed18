// The audit log: who did what to which destination, when, from the console, the API or fedctl.
import Link from "next/link";
import { getDb } from "@/lib/db";
import { listAudit } from "@/lib/audit/list-audit";
import { auditLabel, describeAudit } from "@/lib/audit/describe-audit";
import { formatTimestamp } from "@/lib/destinations/humanize";
import { pagePrincipal } from "../../_auth/session";
import { PageTitle, btnSecondary, input, td, th } from "../../_components/ui";

export const dynamic = "force-dynamic";
export const metadata = { title: "Audit log · Federation Console" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const str = (v: string | string[] | undefined) => (typeof v === "string" ? v : Array.isArray(v) ? (v[0] ?? "") : "");

export default async function AuditPage({ searchParams }: Props) {
  const sp = await searchParams;
  const actor = str(sp.user).trim();
  const destination = str(sp.destination).trim();
  const before = /^\d{1,19}$/.test(str(sp.before)) ? BigInt(str(sp.before)) : undefined;
  const here = new URLSearchParams({
    ...(actor ? { user: actor } : {}),
    ...(destination ? { destination } : {}),
    ...(before !== undefined ? { before: before.toString() } : {}),
  }).toString();
  const me = await pagePrincipal(`/audit${here ? `?${here}` : ""}`);
  const { pool } = await getDb();
  const page = await listAudit(pool, me, {
    actor: actor || undefined,
    destination: destination || undefined,
    before,
    limit: 50,
  });
  const qs = (extra: Record<string, string>) => {
    const p = new URLSearchParams({
      ...(actor ? { user: actor } : {}),
      ...(destination ? { destination } : {}),
      ...extra,
    });
    const s = p.toString();
    return s ? `?${s}` : "";
  };
  return (
    <>
      <PageTitle>Audit log</PageTitle>
      {/* biome-ignore lint/a11y/useSemanticElements: a form with the search role; <search> is not yet in every browser this console supports */}
      <form method="get" action="/audit" className="mb-3 flex flex-wrap items-end gap-2" role="search">
        <label className="flex flex-col text-xs font-medium text-slate-700">
          User (email, or fedctl)
          <input name="user" defaultValue={actor} className={`${input} w-56`} />
        </label>
        <label className="flex flex-col text-xs font-medium text-slate-700">
          Destination
          <input name="destination" defaultValue={destination} className={`${input} w-56`} />
        </label>
        <button type="submit" className={btnSecondary}>
          Filter
        </button>
        {actor || destination ? (
          <Link href="/audit" className="text-sm text-sky-800 hover:underline">
            Clear
          </Link>
        ) : null}
      </form>
      {page.items.length === 0 ? (
        <p className="text-sm text-slate-600">No audit events{actor || destination ? " match" : " yet"}.</p>
      ) : (
        <div className="overflow-x-auto rounded border border-slate-200 bg-white">
          <table className="w-full text-sm" data-testid="audit">
            <thead className="border-b border-slate-200 bg-slate-50">
              <tr>
                <th scope="col" className={th}>
                  When (UTC)
                </th>
                <th scope="col" className={th}>
                  Who
                </th>
                <th scope="col" className={th}>
                  Via
                </th>
                <th scope="col" className={th}>
                  Action
                </th>
                <th scope="col" className={th}>
                  Destination
                </th>
                <th scope="col" className={th}>
                  Details
                </th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((a) => (
                <tr key={a.id.toString()} className="border-b border-slate-100 last:border-0" data-action={a.action}>
                  <td className={`${td} whitespace-nowrap`}>{formatTimestamp(a.ts.getTime())}</td>
                  <td className={td}>
                    <Link href={`/audit${qs({ user: a.actor })}`} className="hover:underline">
                      {a.actor}
                    </Link>
                  </td>
                  <td className={td}>{a.via}</td>
                  <td className={td}>{auditLabel(a.action)}</td>
                  <td className={`${td} break-all font-mono text-xs`}>
                    {a.destination ? (
                      <Link
                        href={`/destinations/${encodeURIComponent(a.destination)}`}
                        className="text-sky-800 hover:underline"
                      >
                        {a.destination}
                      </Link>
                    ) : null}
                  </td>
                  <td className={`${td} text-xs text-slate-700`}>{describeAudit(a)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pages" className="mt-2 flex gap-2 text-sm">
        {before !== undefined ? (
          <Link
            href={`/audit${qs({})}`}
            className="rounded border border-slate-300 bg-white px-2 py-0.5 hover:bg-slate-100"
          >
            « Newest
          </Link>
        ) : null}
        {page.nextBefore !== null ? (
          <Link
            href={`/audit${qs({ before: page.nextBefore.toString() })}`}
            className="rounded border border-slate-300 bg-white px-2 py-0.5 hover:bg-slate-100"
          >
            Older ›
          </Link>
        ) : null}
      </nav>
    </>
  );
}
