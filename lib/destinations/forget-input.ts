// What the console's add and forget controls send. Forget: the name typed again to confirm (a
// mistyped or empty confirmation forgets nothing) and whether to force it for a destination that
// is not dead. Bulk forget: the list's filter and the count the admin confirmed.
import { z } from "zod";
import { formSchema, formText } from "../http/action-input";
import { listFilterSchema } from "./console-list-query";

export const CONFIRM_MISMATCH = "Type the destination's name exactly to confirm; nothing was forgotten.";

export const forgetInput = formSchema({
  destination: formText,
  confirm: formText,
  force: formText.transform((v) => v === "on" || v === "true"),
}).refine((v) => v.destination !== "" && v.confirm === v.destination, { error: CONFIRM_MISMATCH });

export const bulkForgetInput = listFilterSchema.extend({
  count: z.coerce.number().int().min(0),
});

export const addInput = formSchema({ names: formText });
