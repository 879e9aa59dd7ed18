// The channel the destinations triggers notify on (migration 20261202040000_live_updates): a
// payload is the changed server names separated by newlines, or '*' for "too many to list".
export const LIVE_CHANNEL = "fedconsole_live";

export type LiveChange = { all: true } | { all: false; names: string[] };

export function parseLivePayload(payload: string | undefined): LiveChange {
  if (payload === undefined || payload === "*") return { all: true };
  return { all: false, names: payload.split("\n").filter((n) => n.length > 0) };
}
