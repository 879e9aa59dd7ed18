// The audit log: who did what to which destination, when, from the console, the API or fedctl.
import Link from "next/link";
import { getDb } from "@/lib/db";
import { listAudit } from "@/lib/audit/list-audit";
import { auditLabel, describeAudit } from "@/lib/audit/describe-audit";
import { formatTimestamp } from "@/lib/destinations/humanize";
import { auditSearch, parseAuditQuery } from "@/lib/audit/audit-query";
import type { SearchParams } from "@/lib/http/page-params";
import { pagePrincipal } from "@/app/_auth/session";
import { Cell, ColumnHeader, DataTable, Row } from "@/app/_components/data-table";
import { PageLink, Pager } from "@/app/_components/pager";
import { FilterField, SearchForm } from "@/app/_components/search-form";
import { PageTitle, btnSecondary, input } from "@/app/_components/ui";

export const dynamic = "force-dynamic";
export const metadata = { title: "Audit log · Federation Console" };

type Props = { searchParams: Promise<SearchParams> };

export default async function AuditPage({ searchParams }: Props) {
  const q = parseAuditQuery(await searchParams);
  const me = await pagePrincipal(`/audit${auditSearch(q)}`);
  const { pool } = await getDb();
  const page = await listAudit(pool, me, {
    actor: q.user || undefined,
    destination: q.destination || undefined,
    before: q.before,
    limit: 50,
  });
  const filtered = q.user !== "" || q.destination !== "";
  const newest = { ...q, before: undefined };
  return (
    <>
      <PageTitle>Audit log</PageTitle>
      <SearchForm action="/audit" className="mb-3">
        <FilterField label="User (email, or fedctl)">
          <input name="user" defaultValue={q.user} className={`${input} w-56`} />
        </FilterField>
        <FilterField label="Destination">
          <input name="destination" defaultValue={q.destination} className={`${input} w-56`} />
        </FilterField>
        <button type="submit" className={btnSecondary}>
          Filter
        </button>
        {filtered ? (
          <Link href="/audit" className="text-sm text-sky-800 hover:underline">
            Clear
          </Link>
        ) : null}
      </SearchForm>
      {page.items.length === 0 ? (
        <p className="text-sm text-slate-600">No audit events{filtered ? " match" : " yet"}.</p>
      ) : (
        <DataTable
          testId="audit"
          head={
            <>
              <ColumnHeader>When (UTC)</ColumnHeader>
              <ColumnHeader>Who</ColumnHeader>
              <ColumnHeader>Via</ColumnHeader>
              <ColumnHeader>Action</ColumnHeader>
              <ColumnHeader>Destination</ColumnHeader>
              <ColumnHeader>Details</ColumnHeader>
            </>
          }
        >
          {page.items.map((a) => (
            <Row key={a.id.toString()} data-action={a.action}>
              <Cell className="whitespace-nowrap">{formatTimestamp(a.ts.getTime())}</Cell>
              <Cell>
                {a.actor === null ? (
                  <span className="italic text-slate-500">hidden</span>
                ) : (
                  <Link href={`/audit${auditSearch(newest, { user: a.actor })}`} className="hover:underline">
                    {a.actor}
                  </Link>
                )}
              </Cell>
              <Cell>{a.via}</Cell>
              <Cell>{auditLabel(a.action)}</Cell>
              <Cell className="break-all font-mono text-xs">
                {a.destination ? (
                  <Link
                    href={`/destinations/${encodeURIComponent(a.destination)}`}
                    className="text-sky-800 hover:underline"
                  >
                    {a.destination}
                  </Link>
                ) : null}
              </Cell>
              <Cell className="text-xs text-slate-700">{describeAudit(a)}</Cell>
            </Row>
          ))}
        </DataTable>
      )}
      <Pager label="Pages">
        {q.before !== undefined ? <PageLink href={`/audit${auditSearch(newest)}`} label="« Newest" /> : null}
        {page.nextBefore !== null ? (
          <PageLink href={`/audit${auditSearch({ ...q, before: page.nextBefore })}`} label="Older ›" rel="next" />
        ) : null}
      </Pager>
    </>
  );
}
