// The webhook page's forms, parsed before lib/webhooks is called (which checks the URL, the
// secret and the events itself, as for the API and fedctl). Events come as repeated checkboxes.
import { z } from "zod";
import { AppError } from "../errors";
import { formFields, formText, parseInput } from "../http/action-input";
import type { EndpointInput } from "./endpoint-input";

const fields = z.object({
  id: formText,
  url: formText,
  secret: formText,
  description: formText,
  enabled: z.preprocess((v) => v === "on" || v === "true", z.boolean()),
});

export function webhookFormInput(form: FormData): { id: string; input: EndpointInput } {
  const f = parseInput(fields, formFields(form));
  const events = form.getAll("events").map(String);
  // The API and fedctl read "no events" as all of them; unticking every box means something else.
  if (events.length === 0) throw new AppError("invalid_param", "Choose at least one event.");
  return {
    id: f.id,
    input: { url: f.url, secret: f.secret, description: f.description, enabled: f.enabled, events },
  };
}

export const webhookIdInput = z.preprocess(
  (v) => (v instanceof FormData ? formFields(v) : v),
  z.object({ id: formText }),
);
