// The member's own account: who they are, their password, and ending all their sessions.
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/passwords";
import { pagePrincipal } from "@/app/_auth/session";
import { Notice, PageTitle } from "@/app/_components/ui";
import type { SearchParams } from "@/lib/http/page-params";
import { ChangePasswordForm, SignOutEverywhereForm } from "./account-forms";

export const dynamic = "force-dynamic";
export const metadata = { title: "Account · Federation Console" };

const section = "mb-4 rounded border border-slate-200 bg-white p-3";

type Props = { searchParams: Promise<SearchParams> };

export default async function AccountPage({ searchParams }: Props) {
  const me = await pagePrincipal("/account");
  const changed = (await searchParams).changed === "1";
  return (
    <>
      <PageTitle>Account</PageTitle>
      <p className="mb-3 text-sm text-slate-700">
        Signed in as <strong>{me.email}</strong> with the <strong>{me.role}</strong> role.
      </p>
      <section className={section} aria-labelledby="password-title">
        <h2 id="password-title" className="mb-2 text-sm font-semibold">
          Change your password
        </h2>
        <p className="mb-2 text-sm text-slate-600">
          Your other sessions (other browsers and devices) are signed out; this one stays signed in.
        </p>
        {changed ? (
          <div className="mb-2">
            <Notice kind="ok">Password changed. Your other sessions are signed out.</Notice>
          </div>
        ) : null}
        <ChangePasswordForm email={me.email} minLength={MIN_PASSWORD_LENGTH} />
      </section>
      <section className={section} aria-labelledby="sessions-title">
        <h2 id="sessions-title" className="mb-2 text-sm font-semibold">
          Sessions
        </h2>
        <p className="mb-2 text-sm text-slate-600">
          Ends every console session of yours, this one included (e.g. after using a shared computer). API tokens are
          not affected: revoke them on the API tokens page.
        </p>
        <SignOutEverywhereForm />
      </section>
    </>
  );
}
