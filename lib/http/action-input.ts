// Server actions' input: every action parses what it received with one zod schema before it
// calls lib/. A refusal is an AppError whose message the action shows (runAction passes it on).
// Domain rules (a valid email, a storable server name) stay in the lib/ function, shared with
// the API and fedctl; the schemas check the shape and what only the console sends.
import { z } from "zod";
import { AppError } from "../errors";

/** A text field of a form: missing is "" (as `String(form.get(name) ?? "")` was). */
export const formText = z.preprocess((v) => v ?? "", z.string());

/** A schema over a form's fields; the first value of a repeated field counts (FormData.get). */
export function formSchema<T extends z.ZodRawShape>(shape: T) {
  return z.preprocess((v) => (v instanceof FormData ? formFields(v) : v), z.object(shape));
}

export function formFields(form: FormData): Record<string, FormDataEntryValue | null> {
  const out: Record<string, FormDataEntryValue | null> = {};
  for (const name of new Set(form.keys())) out[name] = form.get(name);
  return out;
}

export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new AppError("invalid_param", r.error.issues[0]?.message ?? "The input is not valid.");
}
