"use server";
// The member's own account: change the password, sign out everywhere. Only actions are exported.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db";
import { changeOwnPassword, signOutEverywhere } from "@/lib/auth/account";
import { changePasswordInput } from "@/lib/auth/account-input";
import { clientAddress } from "@/lib/http/client-address";
import { parseInput } from "@/lib/http/action-input";
import { settings } from "@/lib/settings/settings";
import { actionPrincipal } from "@/app/_auth/session";
import { signOut, unstable_update } from "@/app/_auth/auth";
import { runAction, type ActionResult } from "@/app/_auth/action-result";

export type AccountState = ActionResult<{ message: string }> | null;

/** On success the page is loaded again with ?changed=1, which says so (the renewed cookie refreshes it anyway). */
export async function changePasswordAction(_prev: AccountState, form: FormData): Promise<AccountState> {
  const r = await runAction(async () => {
    const actor = await actionPrincipal("viewer", "change your password");
    const { current, next } = parseInput(changePasswordInput, form);
    const { pool } = await getDb();
    const address = clientAddress(await headers());
    const { sessionVersion } = await changeOwnPassword(pool, settings().console, actor, { current, next, address });
    // This session takes the new version; every other one of this member has ended.
    await unstable_update({ user: { sessionVersion } as Record<string, unknown> });
    return { message: "Password changed. Your other sessions are signed out." };
  });
  if (r.ok) redirect("/account?changed=1"); // outside runAction: the redirect is thrown
  return r;
}

export async function signOutEverywhereAction(): Promise<AccountState> {
  const r = await runAction(async () => {
    const actor = await actionPrincipal("viewer", "sign out");
    const { pool } = await getDb();
    await signOutEverywhere(pool, actor);
    return { message: "" };
  });
  if (!r.ok) return r;
  await signOut({ redirectTo: "/login?signed_out=1" }); // redirects (throws Next's redirect)
  return r;
}
