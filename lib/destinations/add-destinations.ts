// Add destinations by hand (console paste box, POST /_fedconsole/v1/destinations): each name is
// checked as a Matrix server name (spec, Appendices §"Server Name"); new ones are stored "never
// contacted" with an attempt requested at once, the way a reset wakes the scheduler
// (clear-backoff.ts). Standalone mode only: in mirror mode the homeserver owns the list.
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import { parseServerName, ServerNameError } from "../federation/server-name";
import { WAKE_CHANNEL } from "../federation/wake";
import { type MirrorContext, mirrorContext } from "../upstream/mirror";

/** Names per request: a paste box or one API call, not an import (fedctl destinations import is). */
export const MAX_ADD = 1000;

export const MIRROR_OWNS_LIST =
  "This console mirrors a homeserver, which owns the list of destinations: add or forget them there.";

export type AddResult = {
  added: string[];
  existing: string[];
  invalid: { destination: string; error: string }[];
};

/** Why `name` is not a server name we can store, or null when it is one. */
export function serverNameProblem(name: unknown): string | null {
  if (typeof name !== "string") return "not a string";
  try {
    parseServerName(name);
    return null;
  } catch (e) {
    if (e instanceof ServerNameError) return e.message;
    throw e;
  }
}

export async function addDestinations(
  pool: pg.Pool,
  actor: Principal,
  names: readonly unknown[],
  nowMs: number = Date.now(),
  mirror: MirrorContext | undefined = mirrorContext(),
): Promise<AddResult> {
  requireRole(actor, "operator", "add destinations");
  if (mirror) throw new AppError("bad_request", MIRROR_OWNS_LIST);
  if (names.length === 0) throw new AppError("invalid_param", "Give at least one destination.");
  if (names.length > MAX_ADD)
    throw new AppError(
      "invalid_param",
      `At most ${MAX_ADD} destinations at once (got ${names.length}); for more, use fedctl destinations import.`,
    );
  const invalid: AddResult["invalid"] = [];
  const valid = new Set<string>();
  for (const name of names) {
    const problem = serverNameProblem(name);
    if (problem) invalid.push({ destination: typeof name === "string" ? name : JSON.stringify(name), error: problem });
    else valid.add(name as string);
  }
  const candidates = [...valid];
  if (candidates.length === 0) return { added: [], existing: [], invalid };
  return withTransaction(pool, async (tx) => {
    const r = await tx.query<{ destination: string }>(
      `INSERT INTO destinations (destination, wake_requested_at)
       SELECT name, $2::bigint FROM unnest($1::text[]) AS name
       ON CONFLICT (destination) DO NOTHING RETURNING destination`,
      [candidates, nowMs.toString()],
    );
    const fresh = new Set(r.rows.map((row) => row.destination));
    const added = candidates.filter((n) => fresh.has(n));
    const existing = candidates.filter((n) => !fresh.has(n));
    if (added.length) {
      await tx.query("SELECT pg_notify($1, $2)", [WAKE_CHANNEL, added.length === 1 ? added[0] : "*"]);
      await recordAudit(tx, actor, {
        action: "destination.add",
        destination: added.length === 1 ? added[0] : undefined,
        detail: { added, existing: existing.length, invalid: invalid.length },
      });
    }
    return { added, existing, invalid };
  });
}

/** The console's paste box: names separated by whitespace, commas or semicolons. */
export function splitPastedNames(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean);
}
