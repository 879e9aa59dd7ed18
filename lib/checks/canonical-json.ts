// Canonical JSON (Matrix spec, Appendices §"Canonical JSON"): keys sorted by code point, no
// insignificant whitespace, UTF-8, integers only in [-(2^53)+1, 2^53-1]. JSON.stringify
// already escapes exactly what the spec escapes (", \ and control characters), so sorting the
// keys is what is left to do.

export class CanonicalJsonError extends Error {}

function canonical(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value))
      throw new CanonicalJsonError(`${value} is not an integer in canonical JSON's range`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    // Code-point order: compare as strings without locale (sort()'s default is UTF-16 code
    // units, which differs from code points only for astral vs. U+E000–U+FFFF keys).
    const keys = Object.keys(record).sort((a, b) => {
      const x = [...a].map((c) => c.codePointAt(0) ?? 0);
      const y = [...b].map((c) => c.codePointAt(0) ?? 0);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
      return x.length - y.length;
    });
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(",")}}`;
  }
  throw new CanonicalJsonError(`a ${typeof value} has no JSON form`);
}

/** The canonical JSON text of `value`; throws CanonicalJsonError for non-integers and the like. */
export function canonicalJson(value: unknown): string {
  return canonical(value);
}
