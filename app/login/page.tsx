import Link from "next/link";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db";
import { countUsers } from "@/lib/auth/users";
import { parseLoginQuery } from "@/lib/auth/login-query";
import type { SearchParams } from "@/lib/http/page-params";
import { optionalPrincipal } from "@/app/_auth/session";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in · Federation Console" };

type Props = { searchParams: Promise<SearchParams> };

export default async function LoginPage({ searchParams }: Props) {
  const { next, signedOut } = parseLoginQuery(await searchParams);
  if (await optionalPrincipal()) redirect(next);
  const { prisma } = await getDb();
  const firstRun = (await countUsers(prisma)) === 0;
  return (
    <main className="mx-auto mt-16 max-w-sm px-4">
      <h1 className="text-xl font-semibold">Federation Console</h1>
      <p className="mb-4 text-sm text-slate-600">Sign in with your team account.</p>
      {signedOut ? (
        <p
          role="status"
          className="mb-3 rounded border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
        >
          You are signed out.
        </p>
      ) : null}
      {firstRun ? (
        <section
          aria-labelledby="first-run"
          className="mb-4 rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950"
        >
          <h2 id="first-run" className="font-semibold">
            No accounts yet
          </h2>
          <p className="mt-1">
            <Link href="/setup" className="font-medium underline">
              Create the first admin in the browser
            </Link>{" "}
            (from the server&apos;s machine, or with the setup code <code>npm start</code> printed), or on the server,
            then sign in here:
          </p>
          <pre className="mt-2 overflow-x-auto rounded bg-white p-2 text-xs">
            npm run --silent fedctl -- users add you@example.org --role admin --password &apos;a long password&apos;
          </pre>
          <p className="mt-2">
            Or restart the server with <code>ADMIN_EMAIL</code> and <code>ADMIN_PASSWORD</code> set: it creates that
            admin on a database with no users.
          </p>
        </section>
      ) : null}
      <LoginForm next={next} />
    </main>
  );
}
