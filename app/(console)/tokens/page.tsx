import { getDb } from "@/lib/db";
import { hasRole } from "@/lib/auth/principal";
import { listTokens, type TokenRow } from "@/lib/auth/tokens";
import { formatTimestamp } from "@/lib/destinations/humanize";
import { pagePrincipal } from "../../_auth/session";
import { RelativeTime } from "../../_components/relative-time";
import { PageTitle, td, th } from "../../_components/ui";
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
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="w-full text-sm" data-testid={testId}>
        <thead className="border-b border-slate-200 bg-slate-50">
          <tr>
            <th scope="col" className={th}>
              Name
            </th>
            <th scope="col" className={th}>
              Token
            </th>
            {showOwner ? (
              <th scope="col" className={th}>
                Owner
              </th>
            ) : null}
            <th scope="col" className={th}>
              Created
            </th>
            <th scope="col" className={th}>
              Last used
            </th>
            <th scope="col" className={th}>
              State
            </th>
            <th scope="col" className={th}>
              <span className="sr-only">Revoke</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr key={t.id} className="border-b border-slate-100 last:border-0" data-token-name={t.name}>
              <td className={td}>{t.name}</td>
              <td className={`${td} font-mono text-xs`}>{t.prefix}…</td>
              {showOwner ? <td className={td}>{t.ownerEmail}</td> : null}
              <td className={`${td} whitespace-nowrap`}>{formatTimestamp(t.createdAt.getTime())}</td>
              <td className={`${td} whitespace-nowrap`}>
                {t.lastUsedAt ? (
                  <RelativeTime ms={String(t.lastUsedAt.getTime())} serverNow={serverNow} />
                ) : (
                  <span className="text-slate-500">never</span>
                )}
              </td>
              <td className={td}>
                {t.revokedAt ? (
                  <span className="text-rose-800">✕ Revoked {formatTimestamp(t.revokedAt.getTime())}</span>
                ) : (
                  <span className="text-emerald-800">✓ Active</span>
                )}
              </td>
              <td className={td}>
                {t.revokedAt ? null : <RevokeForm id={t.id} label={`token “${t.name}” (${t.prefix}…)`} />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
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
