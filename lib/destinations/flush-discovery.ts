// "Flush cached discovery" for one destination: every scheduler process drops the well-known
// answer it cached for it (lib/federation/well-known.ts WellKnownCache; DNS answers are not
// cached by us — the resolver's own cache, if any, is outside our reach), so the next attempt
// looks the delegation up afresh. Audited; the NOTIFY reaches the schedulers at COMMIT.
import type pg from "pg";
import { type Principal, requireRole } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { withTransaction } from "../db/transaction";
import { forgetDiscovery } from "../federation/attempt-connection";
import { FLUSH_DISCOVERY_CHANNEL } from "../federation/wake";
import { assertDestinationExists } from "./get-destination";

export async function flushDiscovery(pool: pg.Pool, actor: Principal, destination: string): Promise<void> {
  requireRole(actor, "operator", "flush cached discovery");
  await assertDestinationExists(pool, destination);
  await withTransaction(pool, async (tx) => {
    await recordAudit(tx, actor, { action: "destination.flush_discovery", destination, detail: {} });
    await tx.query("SELECT pg_notify($1, $2)", [FLUSH_DISCOVERY_CHANNEL, destination]);
  });
  forgetDiscovery(destination); // this process, whether or not it runs a scheduler
}
