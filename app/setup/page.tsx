// First-run setup: on a database with no user, create the first admin here (README "First
// start"). From the server's own machine no code is needed; from elsewhere the one-time code that
// `npm start` printed. Once any user exists this page only says so.
import Link from "next/link";
import { headers } from "next/headers";
import { getDb } from "@/lib/db";
import { hasUsers } from "@/lib/auth/first-run";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/passwords";
import { isMarkedLocal } from "@/lib/http/local-request";
import { SetupForm } from "./setup-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Set up · Federation Console" };

export default async function SetupPage() {
  const { pool } = await getDb();
  const done = await hasUsers(pool);
  const local = isMarkedLocal(await headers());
  return (
    <main className="mx-auto mt-16 max-w-sm px-4">
      <h1 className="text-xl font-semibold">Set up Federation Console</h1>
      {done ? (
        <p role="status" className="mt-3 text-sm" data-testid="setup-done">
          The console is set up already.{" "}
          <Link href="/login" className="text-sky-800 underline">
            Sign in
          </Link>
          , or ask an admin for an account.
        </p>
      ) : (
        <>
          <p className="mb-4 mt-1 text-sm text-slate-600">
            No accounts yet. Create the first admin; they can then add the team on the Team page.
            {local
              ? " You are on the server's own machine, so no setup code is needed."
              : " Enter the setup code the server printed when it started (npm start)."}
          </p>
          <SetupForm local={local} minLength={MIN_PASSWORD_LENGTH} />
        </>
      )}
    </main>
  );
}
