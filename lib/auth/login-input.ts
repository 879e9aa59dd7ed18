// The sign-in form: email and password as typed (attemptLogin normalises and checks them),
// and the page to return to.
import type { z } from "zod";
import { formSchema, formText } from "../http/action-input";
import { nextPath } from "./login-query";

export const loginInputSchema = formSchema({ email: formText, password: formText, next: nextPath });
export type LoginInput = z.output<typeof loginInputSchema>;

export const LOGIN_INCOMPLETE = "Enter your email and password.";

/** Both fields filled in: the form requires them, a script posting to the action may not. */
export const credentialsGiven = (i: LoginInput) => i.email.trim() !== "" && i.password !== "";
