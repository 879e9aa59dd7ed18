import { getDb } from "@/lib/db";
import { hasRole } from "@/lib/auth/principal";
import { listUsers } from "@/lib/auth/users";
import { formatTimestamp } from "@/lib/destinations/humanize";
import { pagePrincipal } from "@/app/_auth/session";
import { Cell, ColumnHeader, DataTable, Row, UnnamedColumn } from "@/app/_components/data-table";
import { Notice, PageTitle } from "@/app/_components/ui";
import { AddUserForm, RemoveForm, RoleForm, SetPasswordForm } from "./team-forms";

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
      <DataTable
        testId="team"
        head={
          <>
            <ColumnHeader>Email</ColumnHeader>
            <ColumnHeader>Role</ColumnHeader>
            <ColumnHeader>Added</ColumnHeader>
            <UnnamedColumn name="Remove" />
            <ColumnHeader>Password</ColumnHeader>
          </>
        }
      >
        {users.map((u) => (
          <Row key={u.id} data-email={u.email}>
            <Cell>
              {u.email}
              {u.id === me.userId ? <span className="ml-1 text-xs text-slate-500">(you)</span> : null}
            </Cell>
            <Cell>
              <RoleForm email={u.email} role={u.role} />
            </Cell>
            <Cell className="whitespace-nowrap">{formatTimestamp(u.createdAt.getTime())}</Cell>
            <Cell>
              <RemoveForm email={u.email} isSelf={u.id === me.userId} />
            </Cell>
            <Cell>
              {u.id === me.userId ? (
                <a href="/account" className="text-sm text-sky-800 underline">
                  Change on your account page
                </a>
              ) : (
                <SetPasswordForm email={u.email} />
              )}
            </Cell>
          </Row>
        ))}
      </DataTable>
    </>
  );
}
