import { getDb } from "@/lib/db";
import { hasRole } from "@/lib/auth/principal";
import { listTokens, type TokenRow } from "@/lib/auth/tokens";
import { formatTimestamp } from "@/lib/destinations/humanize";
import { pagePrincipal } from "@/app/_auth/session";
import { Cell, ColumnHeader, DataTable, Row, UnnamedColumn } from "@/app/_components/data-table";
import { RelativeTime } from "@/app/_components/relative-time";
import { PageTitle } from "@/app/_components/ui";
import { CreateTokenForm, RevokeForm } from "./token-forms";

export const dynamic = "force-dynamic";
export const metadata = { title: "API tokens · Federation Console" };

function TokenTable({
  rows,
  showOwner,
  serverNow,
  testId,
}: {
  rows: TokenRow[];
  showOwner: boolean;
  serverNow: string;
  testId: string;
}) {
  if (rows.length === 0) return <p className="text-sm text-slate-600">No tokens.</p>;
  return (
    <DataTable
      testId={testId}
      head={
        <>
          <ColumnHeader>Name</ColumnHeader>
          <ColumnHeader>Token</ColumnHeader>
          {showOwner ? <ColumnHeader>Owner</ColumnHeader> : null}
          <ColumnHeader>Created</ColumnHeader>
          <ColumnHeader>Last used</ColumnHeader>
          <ColumnHeader>State</ColumnHeader>
          <UnnamedColumn name="Revoke" />
        </>
      }
    >
      {rows.map((t) => (
        <Row key={t.id} data-token-name={t.name}>
          <Cell>{t.name}</Cell>
          <Cell className="font-mono text-xs">{t.prefix}…</Cell>
          {showOwner ? <Cell>{t.ownerEmail}</Cell> : null}
          <Cell className="whitespace-nowrap">{formatTimestamp(t.createdAt.getTime())}</Cell>
          <Cell className="whitespace-nowrap">
            {t.lastUsedAt ? (
              <RelativeTime ms={String(t.lastUsedAt.getTime())} serverNow={serverNow} />
            ) : (
              <span className="text-slate-500">never</span>
            )}
          </Cell>
          <Cell>
            {t.revokedAt ? (
              <span className="text-rose-800">✕ Revoked {formatTimestamp(t.revokedAt.getTime())}</span>
            ) : (
              <span className="text-emerald-800">✓ Active</span>
            )}
          </Cell>
          <Cell>{t.revokedAt ? null : <RevokeForm id={t.id} label={`token “${t.name}” (${t.prefix}…)`} />}</Cell>
        </Row>
      ))}
    </DataTable>
  );
}

export default async function TokensPage() {
  const me = await pagePrincipal("/tokens");
  const { prisma } = await getDb();
  const isAdmin = hasRole(me, "admin");
  const [mine, all] = await Promise.all([
    listTokens(prisma, me),
    isAdmin ? listTokens(prisma, me, { all: true }) : Promise.resolve([]),
  ]);
  const serverNow = String(Date.now());
  return (
    <>
      <PageTitle>API tokens</PageTitle>
      <p className="mb-3 text-sm text-slate-600">
        Tokens act with your role ({me.role}) on the Synapse-compatible API. Each is shown once when created.
      </p>
      <section className="mb-4 rounded border border-slate-200 bg-white p-3">
        <h2 className="mb-2 text-sm font-semibold">New token</h2>
        <CreateTokenForm />
      </section>
      <section className="mb-4">
        <h2 className="mb-2 text-sm font-semibold">Your tokens</h2>
        <TokenTable rows={mine} showOwner={false} serverNow={serverNow} testId="my-tokens" />
      </section>
      {isAdmin ? (
        <section>
          <h2 className="mb-2 text-sm font-semibold">All tokens (admin)</h2>
          <TokenTable rows={all} showOwner serverNow={serverNow} testId="all-tokens" />
        </section>
      ) : null}
    </>
  );
}
