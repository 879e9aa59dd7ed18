"use server";
// Sign-in and sign-out. Only actions are exported from this file.
import { AuthError } from "next-auth";
import { credentialsGiven, LOGIN_INCOMPLETE, loginInputSchema } from "@/lib/auth/login-input";
import { parseInput } from "@/lib/http/action-input";
import { signIn, signOut, LoginRefused } from "@/app/_auth/auth";

export type LoginState = { error: string | null; email: string };

export async function loginAction(_prev: LoginState, form: FormData): Promise<LoginState> {
  const input = parseInput(loginInputSchema, form);
  const { email, password } = input;
  if (!credentialsGiven(input)) return { error: LOGIN_INCOMPLETE, email };
  try {
    await signIn("credentials", { email, password, redirectTo: input.next });
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
