// Reading a JSON object request body the way Synapse does for its client API.
import { AppError } from "../errors";

export function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("not_json", "Content not JSON.");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new AppError("bad_json", "Content must be a JSON object.");
  }
  return value as Record<string, unknown>;
}

export async function readJsonObject(req: { text(): Promise<string> }): Promise<Record<string, unknown>> {
  return parseJsonObject(await req.text());
}
