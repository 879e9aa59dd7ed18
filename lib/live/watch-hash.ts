// A page tells the live stream which rows it shows by short hashes of their names, not the
// names: a list page of 200 long server names would not fit in a URL (Node refuses request
// heads over 16 kB), 200 hashes take 1.4 kB. A collision only sends the page a row it does not
// show, which it ignores (pages match rows by exact name). Pure, used in the browser and the
// server alike.

/** 32-bit FNV-1a over the name's UTF-16 code units, base 36 (at most 7 characters). */
export function watchHash(name: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** At most this many rows are watched by one stream (the list's largest page is 200). */
export const MAX_WATCHED = 500;

/** The `w` parameter of a stream: the names' hashes joined by dots. */
export function watchParam(names: readonly string[]): string {
  return names.map(watchHash).join(".");
}

/** The hashes of a `w` parameter; malformed parts dropped, at most MAX_WATCHED. */
export function parseWatchParam(w: string | null): Set<string> {
  const out = new Set<string>();
  for (const part of (w ?? "").split(".")) {
    if (/^[0-9a-z]{1,7}$/.test(part)) out.add(part);
    if (out.size >= MAX_WATCHED) break;
  }
  return out;
}
