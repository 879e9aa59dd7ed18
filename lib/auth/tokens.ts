// API tokens: random secrets shown once, stored as SHA-256, owned by a user, revocable.
import crypto from "node:crypto";
import type pg from "pg";
import type { PrismaClient } from "../generated/prisma/client";
import { AppError } from "../errors";
import { type Principal, type Role, type Via, hasRole, requireRole } from "./principal";
import { normaliseEmail } from "./users";
import { recordAudit } from "../audit/record-audit";
import { prepared } from "../db/prepared";
import { forgetCachedTokens, tokenCacheFor } from "./token-cache";

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

export async function listTokens(
  prisma: PrismaClient,
  actor: Principal,
  opts: { all?: boolean } = {},
): Promise<TokenRow[]> {
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
  const row = await prisma.$transaction(async (tx) => {
    const matches = await tx.apiToken.findMany({
      where: isUuid ? { id: idOrPrefix } : { prefix: idOrPrefix },
      include: { user: true },
    });
    if (matches.length === 0) throw new AppError("not_found", `No token ${idOrPrefix}.`);
    if (matches.length > 1) throw new AppError("conflict", `Several tokens start with ${idOrPrefix}; use the id.`);
    const t = matches[0];
    if (t.user.email !== actor.email) requireRole(actor, "admin", "revoke other users' tokens");
    const updated = t.revokedAt
      ? t
      : await tx.apiToken.update({ where: { id: t.id }, data: { revokedAt: new Date() }, include: { user: true } });
    await recordAudit(tx, actor, {
      action: "token.revoke",
      detail: { owner: t.user.email, name: t.name, prefix: t.prefix },
    });
    return toRow(updated);
  });
  forgetCachedTokens(); // committed: this process stops accepting it now, the others at the NOTIFY
  return row;
}

export type ResolvedToken = { principal: Principal; token: { id: string; prefix: string; name: string } };

type TokenSqlRow = {
  id: string;
  prefix: string;
  name: string;
  last_used_ms: string | null;
  user_id: string;
  email: string;
  role: Role;
};

/**
 * The principal a bearer secret stands for, or M_UNKNOWN_TOKEN. One indexed SQL statement:
 * it runs on every API request, and through Prisma it cost about a third of the request.
 */
export async function resolveTokenDetails(pool: pg.Pool, secret: string, via: Via = "api"): Promise<ResolvedToken> {
  const hash = hashToken(secret);
  // The web process answers a token it checked before from memory (token-cache.ts says when).
  const cache = tokenCacheFor<TokenSqlRow>(pool);
  let t = cache?.get(hash);
  if (t === undefined) {
    const ticket = cache?.ticket() ?? -1;
    // Prepared once per connection (lib/db/prepared.ts): it runs once per API request, and its
    // parse and plan were most of its database CPU (0.15 -> 0.05 ms a request, bench/run.ts).
    const r = await pool.query<TokenSqlRow>(
      prepared(
        "fc_token_resolve",
        `SELECT t.id, t.prefix, t.name, (extract(epoch FROM t.last_used_at) * 1000)::bigint AS last_used_ms, u.id AS user_id, u.email, u.role
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
        [hash],
      ),
    );
    t = r.rows[0];
    if (!t) throw new AppError("unknown_token", "Invalid access token passed.", { soft_logout: false });
    cache?.store(hash, ticket, t);
  }
  const now = Date.now();
  if (t.last_used_ms === null || now - Number(t.last_used_ms) > LAST_USED_RESOLUTION_MS) {
    // Best effort and off the request's path: a failed write must not fail the request. The
    // cached row remembers it, so a token in memory is still written once a minute.
    t.last_used_ms = String(now);
    pool.query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", [t.id, new Date(now)]).catch(() => {});
  }
  return {
    principal: { userId: t.user_id, email: t.email, role: t.role, via },
    token: { id: t.id, prefix: t.prefix, name: t.name },
  };
}

export async function resolveToken(pool: pg.Pool, secret: string, via: Via = "api"): Promise<Principal> {
  return (await resolveTokenDetails(pool, secret, via)).principal;
}

export const canManageAllTokens = (p: Principal) => hasRole(p, "admin");

type WithUser = {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  user: { email: string };
};
function toRow(t: WithUser): TokenRow {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    ownerEmail: t.user.email,
    createdAt: t.createdAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
  };
}
