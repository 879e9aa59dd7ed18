// Durations in Synapse's config format (synapse/config/_base.py parse_duration):
// a bare integer is milliseconds; a suffix s m h d w y scales it (y = 365 d).
// Synapse only accepts an integer amount ("1.5h" is rejected there), and so do we.

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** Parses "500", "10m", "7d", "1w" into milliseconds; `name` is the setting, for errors. */
export function parseDuration(raw: string, name: string): number {
  const text = raw.trim();
  const match = /^(\d+)([smhdwy]?)$/.exec(text);
  if (!match) {
    throw new Error(
      `${name} must be a duration: an integer number of milliseconds or an integer ` +
        `with a suffix s, m, h, d, w or y (e.g. "500", "10m", "7d"), got "${raw}"`,
    );
  }
  const ms = Number(match[1]) * (match[2] ? UNIT_MS[match[2]] : 1);
  // Beyond 2^53 a JS number would silently round; no sane retry interval is that long.
  if (!Number.isSafeInteger(ms)) {
    throw new Error(`${name} is too large (must be below 2^53 ms), got "${raw}"`);
  }
  return ms;
}
