// The account page's and the team page's password forms (checked again by lib/auth/account.ts).
import { formSchema, formText } from "../http/action-input";

export const PASSWORDS_DIFFER = "The new password and its repetition differ; nothing was changed.";

export const changePasswordInput = formSchema({
  current: formText,
  next: formText,
  repeat: formText,
}).refine((v) => v.next === v.repeat, { error: PASSWORDS_DIFFER });

/** An empty password field means "generate one" (shown once), as when adding a member. */
export const setPasswordInput = formSchema({
  email: formText,
  password: formText.transform((p) => p || undefined),
});

/** The first-run page: the first admin's email and password, and the setup code (empty from loopback). */
export const setupInput = formSchema({ email: formText, password: formText, repeat: formText, code: formText }).refine(
  (v) => v.password === v.repeat,
  { error: PASSWORDS_DIFFER },
);
