// Audit rows are written inside the transaction of the change they describe.
import type { Prisma } from "../generated/prisma/client";
import type { Principal } from "../auth/principal";

type Tx = Pick<Prisma.TransactionClient, "auditEvent">;

export type AuditEntry = { action: string; destination?: string; detail?: Prisma.InputJsonValue };

export async function recordAudit(tx: Tx, actor: Principal, entry: AuditEntry): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actor: actor.email,
      actorUserId: actor.userId,
      via: actor.via,
      action: entry.action,
      destination: entry.destination,
      detail: entry.detail,
    },
  });
}
