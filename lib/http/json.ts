// The API's JSON writer, byte for byte what Synapse's admin API writes:
// - 64-bit integers exact: bigint values are written as their decimal digits (JSON.stringify
//   throws on bigint, and Number() loses digits above 2^53);
// - ASCII only: Synapse's admin resource answers with canonical_json=False
//   (synapse/rest/admin/__init__.py, AdminRestResource), i.e. through synapse/util's
//   json.JSONEncoder(allow_nan=False, separators=(",", ":")), whose ensure_ascii default writes
//   every character outside space…tilde as \uXXXX (lower-case hex, UTF-16 code units, so 🙂 is
//   \ud83d\ude42) and the usual short escapes (\n, \", \\) like JSON.stringify.
// Also the hot path of every list page: keys are escaped once and cached, plain ASCII strings
// skip JSON.stringify (a 100-row page in ~70 µs instead of ~260).

export type JsonValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | JsonValue[]
  | { [k: string]: JsonValue };

/** Needs more than quotes around it: a quote, a backslash, or anything outside space…tilde. */
const NEEDS_ESCAPE = /[^\x20-\x7e]|["\\]/;
const NON_ASCII = /[\u007f-\uffff]/;
const NON_ASCII_ALL = /[\u007f-\uffff]/g;
const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

export function jsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  const j = JSON.stringify(s);
  return NON_ASCII.test(j) ? j.replace(NON_ASCII_ALL, unicodeEscape) : j;
}

/** `"key":` per key seen (the API's keys are a few dozen fixed names; bounded all the same). */
const keyPrefixes = new Map<string, string>();
function keyPrefix(k: string): string {
  let p = keyPrefixes.get(k);
  if (p === undefined) {
    p = `${jsonString(k)}:`;
    if (keyPrefixes.size < 1_000) keyPrefixes.set(k, p);
  }
  return p;
}

export function toJson(value: JsonValue): string {
  switch (typeof value) {
    case "bigint":
      return value.toString();
    case "string":
      return jsonString(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
      return "null";
  }
  if (value === null) return "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + toJson(value[i]);
    return `${out}]`;
  }
  let out = "{";
  let first = true;
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    const v = value[k];
    if (v === undefined) continue; // like JSON.stringify: absent, not null
    out += (first ? "" : ",") + keyPrefix(k) + toJson(v);
    first = false;
  }
  return `${out}}`;
}
