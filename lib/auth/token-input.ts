// The tokens page's forms. createToken trims and limits the name; revokeToken takes an id or
// a visible prefix.
import { formSchema, formText } from "../http/action-input";

export const createTokenInput = formSchema({ name: formText });

export const revokeTokenInput = formSchema({ id: formText });
