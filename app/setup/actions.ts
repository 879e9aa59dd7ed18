"use server";
// First-run setup: create the first admin, then sign in as them. Only actions are exported.
import { headers } from "next/headers";
import { AuthError } from "next-auth";
import { getDb } from "@/lib/db";
import { setupFirstAdmin } from "@/lib/auth/first-run";
import { setupInput } from "@/lib/auth/account-input";
import { isMarkedLocal } from "@/lib/http/local-request";
import { parseInput } from "@/lib/http/action-input";
import { signIn } from "@/app/_auth/auth";
import { runAction } from "@/app/_auth/action-result";

export type SetupState = { error: string | null; email: string };

export async function setupAction(_prev: SetupState, form: FormData): Promise<SetupState> {
  const email = String(form.get("email") ?? "");
  const r = await runAction(async () => {
    const input = parseInput(setupInput, form);
    const { pool } = await getDb();
    return setupFirstAdmin(pool, { ...input, local: isMarkedLocal(await headers()) });
  });
  if (!r.ok) return { error: r.error, email };
  try {
    await signIn("credentials", {
      email: r.email,
      password: String(form.get("password")),
      redirectTo: "/destinations",
    });
  } catch (e) {
    // signIn redirects on success by throwing Next's redirect; only auth failures stop here.
    if (e instanceof AuthError) return { error: "The admin was created; sign in on the sign-in page.", email };
    throw e;
  }
  return { error: null, email };
}
