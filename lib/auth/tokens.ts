// API tokens: random secrets shown once, stored as SHA-256, owned by a user, revocable.
import crypto from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client";
import { AppError } from "../errors";
import { type Principal, type Role, type Via, hasRole, requireRole } from "./principal";
import { normaliseEmail } from "./users";
import { recordAudit } from "../audit/record-audit";

const TOKEN_PREFIX = "fct_";
const PREFIX_LEN = TOKEN_PREFIX.length + 8;
/** last_used_at is written at most this often per token, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export type TokenRow = {
  id: string;
  name: string;
  prefix: string;
  ownerEmail: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

export const hashToken = (secret: string) => crypto.createHash("sha256").update(secret, "utf8").digest("hex");

export async function createToken(
  prisma: PrismaClient,
  actor: Principal,
  input: { ownerEmail?: string; name?: string },
): Promise<{ token: string; row: TokenRow }> {
  const ownerEmail = input.ownerEmail ? normaliseEmail(input.ownerEmail) : actor.email;
  if (ownerEmail !== actor.email) requireRole(actor, "admin", "create tokens for other users");
  const name = (input.name ?? "").trim() || `token ${new Date().toISOString().slice(0, 16).replace("T", " ")}`;
  if (name.length > 100) throw new AppError("invalid_param", "Token names are at most 100 characters.");
  const token = TOKEN_PREFIX + crypto.randomBytes(32).toString("base64url");
  const row = await prisma.$transaction(async (tx) => {
    const owner = await tx.user.findUnique({ where: { email: ownerEmail } });
    if (!owner) throw new AppError("not_found", `No user ${ownerEmail}.`);
    const t = await tx.apiToken.create({
      data: { userId: owner.id, name, tokenHash: hashToken(token), prefix: token.slice(0, PREFIX_LEN) },
    });
    await recordAudit(tx, actor, { action: "token.create", detail: { owner: ownerEmail, name, prefix: t.prefix } });
    return { ...t, user: owner };
  });
  return { token, row: toRow(row) };
}

export async function listTokens(prisma: PrismaClient, actor: Principal, opts: { all?: boolean } = {}): Promise<TokenRow[]> {
  if (opts.all) requireRole(actor, "admin", "list everyone's tokens");
  const rows = await prisma.apiToken.findMany({
    where: opts.all ? {} : { user: { email: actor.email } },
    include: { user: true },
    orderBy: { createdAt: "asc" },
  });
  return rows.map(toRow);
}

/** Revoke by id or by the token's visible prefix. Owners revoke their own; admins any. */
export async function revokeToken(prisma: PrismaClient, actor: Principal, idOrPrefix: string): Promise<TokenRow> {
  const isUuid = /^[0-9a-f-]{36}$/i.test(idOrPrefix);
  return prisma.$transaction(async (tx) => {
    const matches = await tx.apiToken.findMany({
      where: isUuid ? { id: idOrPrefix } : { prefix: idOrPrefix },
      include: { user: true },
    });
    if (matches.length === 0) throw new AppError("not_found", `No token ${idOrPrefix}.`);
    if (matches.length > 1) throw new AppError("conflict", `Several tokens start with ${idOrPrefix}; use the id.`);
    const t = matches[0];
    if (t.user.email !== actor.email) requireRole(actor, "admin", "revoke other users' tokens");
    const updated = t.revokedAt ? t : await tx.apiToken.update({ where: { id: t.id }, data: { revokedAt: new Date() }, include: { user: true } });
    await recordAudit(tx, actor, { action: "token.revoke", detail: { owner: t.user.email, name: t.name, prefix: t.prefix } });
    return toRow(updated);
  });
}

/** The principal a bearer secret stands for, or M_UNKNOWN_TOKEN. */
export async function resolveToken(prisma: PrismaClient, secret: string, via: Via = "api"): Promise<Principal> {
  const t = await prisma.apiToken.findUnique({ where: { tokenHash: hashToken(secret) }, include: { user: true } });
  if (!t || t.revokedAt) {
    throw new AppError("unknown_token", "Invalid access token passed.", { soft_logout: false });
  }
  const now = Date.now();
  if (!t.lastUsedAt || now - t.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    // Best effort and off the request's path: a failed write must not fail the request.
    prisma.apiToken.update({ where: { id: t.id }, data: { lastUsedAt: new Date(now) } }).catch(() => {});
  }
  return { userId: t.user.id, email: t.user.email, role: t.user.role as Role, via };
}

export const canManageAllTokens = (p: Principal) => hasRole(p, "admin");

type WithUser = { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null; user: { email: string } };
function toRow(t: WithUser): TokenRow {
  return { id: t.id, name: t.name, prefix: t.prefix, ownerEmail: t.user.email, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, revokedAt: t.revokedAt };
}
