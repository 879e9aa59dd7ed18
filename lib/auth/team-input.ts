// The team page's forms. Emails are checked and normalised by lib/auth/users.ts (as for fedctl).
import { formSchema, formText } from "../http/action-input";
import { roleSchema } from "./principal";

const role = formText.pipe(roleSchema);

/** An empty password field means "generate one" (shown once after adding). */
export const addUserInput = formSchema({
  email: formText,
  role,
  password: formText.transform((p) => p || undefined),
});

export const setRoleInput = formSchema({ email: formText, role });

export const removeUserInput = formSchema({ email: formText });
