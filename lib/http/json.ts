// JSON writer that keeps 64-bit integers exact: bigint values are written as their decimal
// digits (JSON.stringify throws on bigint, and Number() loses digits above 2^53).

export type JsonValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | JsonValue[]
  | { [k: string]: JsonValue };

export function toJson(value: JsonValue): string {
  switch (typeof value) {
    case "bigint":
      return value.toString();
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
      return "null";
  }
  if (value === null) return "null";
  if (Array.isArray(value)) return "[" + value.map(toJson).join(",") + "]";
  let out = "{";
  let first = true;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue; // like JSON.stringify: absent, not null
    out += (first ? "" : ",") + JSON.stringify(k) + ":" + toJson(v);
    first = false;
  }
  return out + "}";
}
