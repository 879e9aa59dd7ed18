// "Sync now": asks the process that syncs (whichever holds the sync lock) for a full pass at
// once — from the console's sync page, fedctl upstream sync, POST /_fedconsole/v1/upstream/sync.
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { withTransaction } from "../db/transaction";
import { AppError } from "../errors";
import type { MirrorContext } from "./mirror";
import { requestFullPass } from "./sync-state";

export const NOT_MIRRORING =
  "This console is standalone: it mirrors no homeserver (set FEDCONSOLE_UPSTREAM_URL, see README).";

export async function requestSync(pool: pg.Pool, actor: Principal, mirror: MirrorContext | undefined): Promise<void> {
  requireRole(actor, "operator", "start a sync");
  if (!mirror) throw new AppError("conflict", NOT_MIRRORING);
  await withTransaction(pool, async (tx) => {
    await requestFullPass(tx, Date.now());
    await recordAudit(tx, actor, { action: "upstream.sync", detail: { source: mirror.label } });
  });
}
