import { getDb } from "@/lib/db";
import { hasRole } from "@/lib/auth/principal";
import { listUsers } from "@/lib/auth/users";
import { formatTimestamp } from "@/lib/destinations/humanize";
import { pagePrincipal } from "../../_auth/session";
import { Notice, PageTitle, td, th } from "../../_components/ui";
import { AddUserForm, RemoveForm, RoleForm } from "./team-forms";

export const dynamic = "force-dynamic";
export const metadata = { title: "Team · Federation Console" };

export default async function TeamPage() {
  const me = await pagePrincipal("/team");
  if (!hasRole(me, "admin")) {
    return (
      <>
        <PageTitle>Team</PageTitle>
        <Notice kind="error">Managing the team needs the admin role; you are {me.role}.</Notice>
      </>
    );
  }
  const { prisma } = await getDb();
  const users = await listUsers(prisma, me);
  return (
    <>
      <PageTitle>Team</PageTitle>
      <p className="mb-3 text-sm text-slate-600">
        Roles: <strong>viewer</strong> reads; <strong>operator</strong> also resets connections; <strong>admin</strong>{" "}
        also manages the team and everyone&apos;s tokens. The last admin cannot be removed or demoted.
      </p>
      <section className="mb-4 rounded border border-slate-200 bg-white p-3">
        <h2 className="mb-2 text-sm font-semibold">Add a member</h2>
        <AddUserForm />
      </section>
      <div className="overflow-x-auto rounded border border-slate-200 bg-white">
        <table className="w-full text-sm" data-testid="team">
          <thead className="border-b border-slate-200 bg-slate-50">
            <tr>
              <th scope="col" className={th}>
                Email
              </th>
              <th scope="col" className={th}>
                Role
              </th>
              <th scope="col" className={th}>
                Added
              </th>
              <th scope="col" className={th}>
                <span className="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} className="border-b border-slate-100 last:border-0" data-email={u.email}>
                <td className={td}>
                  {u.email}
                  {u.id === me.userId ? <span className="ml-1 text-xs text-slate-500">(you)</span> : null}
                </td>
                <td className={td}>
                  <RoleForm email={u.email} role={u.role} />
                </td>
                <td className={`${td} whitespace-nowrap`}>{formatTimestamp(u.createdAt.getTime())}</td>
                <td className={td}>
                  <RemoveForm email={u.email} isSelf={u.id === me.userId} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
