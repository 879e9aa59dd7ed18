// "Check a server": a federation check of any name (operators and admins), e.g. one that is not
// a destination yet; ?check=<id> shows a stored report of a name that is not a destination.
import { hasRole } from "@/lib/auth/principal";
import { parseCheckQuery } from "@/lib/checks/check-input";
import { getCheck } from "@/lib/checks/stored-checks";
import { getDb } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import type { SearchParams } from "@/lib/http/page-params";
import { pagePrincipal } from "@/app/_auth/session";
import { Notice, PageTitle } from "@/app/_components/ui";
import { CheckReportView } from "../_parts/check-report";
import { CheckAnyServerForm } from "../_parts/check-forms";

export const dynamic = "force-dynamic";
export const metadata = { title: "Check a server · Federation Console" };

export default async function CheckPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const id = parseCheckQuery(await searchParams);
  const me = await pagePrincipal(id === null ? "/check" : `/check?check=${id}`);
  if (!hasRole(me, "operator")) {
    return (
      <>
        <PageTitle>Check a server</PageTitle>
        <Notice kind="info">
          Checking any server name needs the operator role. You can run a check from any destination's page.
        </Notice>
      </>
    );
  }
  const { pool } = await getDb();
  const shown =
    id === null ? null : await getCheck(pool, me, id).catch((e) => (isAppError(e) ? null : Promise.reject(e)));
  return (
    <>
      <PageTitle>Check a server</PageTitle>
      <p className="mb-2 text-sm text-slate-600">
        Well-known, SRV, CNAME, A/AAAA with the IP guard, then TLS, keys and version for every address — from this
        server's network, as its federation sees it. Nothing is changed.
      </p>
      <CheckAnyServerForm initial={shown?.serverName ?? ""} />
      {shown !== null ? (
        <>
          <p className="mb-1 text-sm">
            Report for <span className="font-mono">{shown.serverName}</span>
          </p>
          <CheckReportView check={shown} serverNow={Date.now().toString()} />
        </>
      ) : id !== null ? (
        <Notice kind="error">No such check (it may have been dropped from the history).</Notice>
      ) : null}
    </>
  );
}
