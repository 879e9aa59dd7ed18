"use server";
// Sign-in and sign-out. Only actions are exported from this file.
import { AuthError } from "next-auth";
import { signIn, signOut, LoginRefused } from "../_auth/auth";

export type LoginState = { error: string | null; email: string };

/** Only same-site paths are followed after sign-in (no open redirect). */
function safeNext(raw: FormDataEntryValue | null): string {
  const s = typeof raw === "string" ? raw : "";
  return s.startsWith("/") && !s.startsWith("//") && !s.startsWith("/\\") ? s : "/destinations";
}

export async function loginAction(_prev: LoginState, form: FormData): Promise<LoginState> {
  const email = String(form.get("email") ?? "");
  const password = String(form.get("password") ?? "");
  if (!email.trim() || !password) return { error: "Enter your email and password.", email };
  try {
    await signIn("credentials", { email, password, redirectTo: safeNext(form.get("next")) });
  } catch (e) {
    // signIn redirects on success by throwing Next's redirect; only auth failures stop here.
    if (e instanceof LoginRefused) return { error: e.userMessage, email };
    if (e instanceof AuthError) return { error: "Sign-in failed. Try again.", email };
    throw e;
  }
  return { error: null, email };
}

export async function logoutAction(): Promise<void> {
  await signOut({ redirectTo: "/login?signed_out=1" });
}
