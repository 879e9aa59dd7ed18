// The console's check forms and page params: a server name (trimmed; the check itself says
// what is wrong with an invalid one) and which stored report to show.
import { z } from "zod";
import { formSchema, formText } from "../http/action-input";
import { firstValue, parseSearchParams, type SearchParams } from "../http/page-params";

export const checkInput = formSchema({
  server_name: formText.transform((s) => s.trim()).pipe(z.string().min(1, "Enter a server name to check.").max(1000)),
});

/** ?check=<id>: a stored report's id, or null (the latest). */
const checkQuerySchema = z.object({
  check: firstValue(z.string().regex(/^\d{1,18}$/))
    .optional()
    .catch(undefined),
});

export function parseCheckQuery(p: SearchParams | URLSearchParams): string | null {
  return parseSearchParams(checkQuerySchema, p).check ?? null;
}
