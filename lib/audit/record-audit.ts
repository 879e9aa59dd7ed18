// The one writer of audit_events. Audit rows are written inside the transaction of the change
// they describe, so a change is never committed unaudited: a pg transaction (lib/db/transaction.ts
// Tx) for the SQL paths, or a Prisma interactive transaction for the Prisma ones (users, tokens),
// which runs the same statement through $executeRawUnsafe.
import type { Prisma } from "../generated/prisma/client";
import type { Principal } from "../auth/principal";
import type { Queryable } from "../db/transaction";
import type { AuditEntry } from "./audit-actions";

export type { AuditAction, AuditDetails, AuditEntry } from "./audit-actions";

/** Where the row is written: a pg transaction (or the pool, for a lone row) or a Prisma transaction. */
export type AuditTx = Queryable | Pick<Prisma.TransactionClient, "$executeRawUnsafe">;

// Explicit casts: Prisma's driver adapter may send the parameters as text.
const INSERT = `INSERT INTO audit_events (actor, actor_user_id, via, action, destination, detail)
  VALUES ($1, $2::uuid, $3, $4, $5, $6::jsonb)`;

export async function recordAudit(tx: AuditTx, actor: Principal, entry: AuditEntry): Promise<void> {
  const values = [
    actor.email,
    actor.userId,
    actor.via,
    entry.action,
    entry.destination ?? null,
    JSON.stringify(entry.detail),
  ];
  if ("$executeRawUnsafe" in tx) await tx.$executeRawUnsafe(INSERT, ...values);
  else await tx.query(INSERT, values);
}
