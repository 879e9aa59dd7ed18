// Text that came from a remote server (its /version software and version, error messages that
// quote its answer, well-known bodies that JSON.parse echoes) before it is stored. PostgreSQL
// text cannot hold NUL (an INSERT with one fails with 22021, and then the attempt would never be
// recorded), and a remote server must not be able to make us store megabytes: NULs are removed
// and each string is cut to a few hundred characters.

/** Longest remote-derived string stored (characters; a cut one ends in "…"). */
export const STORED_TEXT_MAX = 300;

/** The text without NULs, at most `max` characters (code points, so no pair is split). */
export function storedText(text: string, max?: number): string;
export function storedText(text: string | null, max?: number): string | null;
export function storedText(text: string | null, max = STORED_TEXT_MAX): string | null {
  if (text === null) return null;
  const clean = text.includes("\0") ? text.replaceAll("\0", "") : text;
  if (clean.length <= max) return clean; // UTF-16 length ≥ code points: short enough either way
  const chars = Array.from(clean);
  return chars.length <= max ? clean : chars.slice(0, max - 1).join("") + "…";
}
