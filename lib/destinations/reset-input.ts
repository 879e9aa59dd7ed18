// What the console's reset controls send. One destination: its name as shown (resetConnection
// checks it; "Attempt now" sends the same, checked by attemptNow). Bulk: the list's filter as the page holds it, cleaned as the list page cleans its
// URL (a bad value is ignored, as it was on the page the operator looked at).
import { formSchema, formText } from "../http/action-input";
import { listFilterSchema } from "./console-list-query";

export const resetInput = formSchema({ destination: formText });

export const attemptNowInput = resetInput;

export const bulkResetInput = listFilterSchema;
