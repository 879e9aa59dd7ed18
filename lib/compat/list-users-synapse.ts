// Synapse's user admin API over our team: GET /_synapse/admin/v2/users and v3/users (the
// list Ketesa / synapse-admin land on after login) and GET /_synapse/admin/v2/users/<user_id>.
// Team members appear as local Matrix users (matrix-user-id.ts): display name = e-mail,
// admin = our admin role, never guests, deactivated, locked or shadow-banned; creation_ts
// from the account, last_seen_ts from the most recent use of any of their tokens.
// Admins see the whole team (listUsers' rule); every other member sees only themselves, not
// a 403 — synapse-admin logs out on any 403, and it opens this list right after login.
// Teams are small: filtered and sorted in memory.
import type { PrismaClient } from "../generated/prisma/client";
import { AppError } from "../errors";
import { type Principal, hasRole, requireRole } from "../auth/principal";
import { listUsers, type UserRow } from "../auth/users";
import { listTokens } from "../auth/tokens";
import type { JsonValue } from "../http/json";
import { type Direction, parseChoice, parseDirection, parseNonNegativeInteger } from "../http/params";
import { nextToken } from "../destinations/paging";
import { splitMatrixUserId, toMatrixUserId, matrixUserIdToEmail, emailToLocalpart } from "./matrix-user-id";

/** Synapse's allowed order_by values, in the order its error message lists them. */
export const USER_SORT_ORDERS = [
  "name",
  "displayname",
  "is_guest",
  "admin",
  "deactivated",
  "user_type",
  "avatar_url",
  "shadow_banned",
  "creation_ts",
  "last_seen_ts",
  "locked",
] as const;
export type UserSortOrder = (typeof USER_SORT_ORDERS)[number];

export type UserListQuery = {
  from: bigint;
  limit: bigint;
  userId?: string;
  name?: string;
  guests: boolean;
  /** null: all; true: only deactivated; false: only active. */
  deactivated: boolean | null;
  locked: boolean;
  /** null: all; true: only admins; false: only non-admins. */
  admins: boolean | null;
  notUserTypes: string[];
  orderBy: UserSortOrder;
  dir: Direction;
};

export type TeamMember = { email: string; admin: boolean; createdAt: Date; lastSeen: Date | null };

/** Synapse's parse_boolean: "true" / "false" only. */
export function parseBoolean(q: URLSearchParams, name: string): boolean | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw new AppError("invalid_param", `Boolean query parameter '${name}' must be one of ['true', 'false']`);
}

/** Parameters in Synapse's order; v2 and v3 differ only in what `deactivated` means. */
export function parseUserListQuery(q: URLSearchParams, version: "v2" | "v3"): UserListQuery {
  const from = parseNonNegativeInteger(q, "from", 0n);
  const limit = parseNonNegativeInteger(q, "limit", 100n);
  const userId = q.get("user_id") ?? undefined;
  const name = q.get("name") ?? undefined;
  const guests = parseBoolean(q, "guests") ?? true;
  const deactivatedParam = parseBoolean(q, "deactivated");
  // v2: deactivated=true includes deactivated users, else only active ones; v3: a filter
  const deactivated = version === "v2" ? (deactivatedParam ? null : false) : (deactivatedParam ?? null);
  const locked = parseBoolean(q, "locked") ?? false;
  const admins = parseBoolean(q, "admins") ?? null;
  const orderBy = parseChoice(q, "order_by", USER_SORT_ORDERS, "name");
  const dir = parseDirection(q);
  return {
    from,
    limit,
    userId,
    name,
    guests,
    deactivated,
    locked,
    admins,
    notUserTypes: q.getAll("not_user_type"),
    orderBy,
    dir,
  };
}

const cmpBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
const cmpNullable = (a: number | null, b: number | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a - b);

/** The value a member has in a sort column (columns we know no value for are all equal). */
function sortValue(m: TeamMember, col: UserSortOrder, serverName: string): string | number | null {
  switch (col) {
    case "name":
      return toMatrixUserId(m.email, serverName);
    case "displayname":
      return m.email;
    case "admin":
      return m.admin ? 1 : 0;
    case "creation_ts":
      return m.createdAt.getTime();
    case "last_seen_ts":
      return m.lastSeen ? m.lastSeen.getTime() : null;
    default:
      return 0; // is_guest, deactivated, shadow_banned, locked: all false; user_type, avatar_url: all NULL
  }
}

/** Filters, sorts (`<order_by> <dir>, name ASC`, NULLs largest as in PostgreSQL) and pages. */
export function selectMembers(
  members: TeamMember[],
  q: UserListQuery,
  serverName: string,
): { page: TeamMember[]; total: number } {
  const id = (m: TeamMember) => toMatrixUserId(m.email, serverName);
  let rows = members.filter((m) => {
    if (q.name !== undefined) {
      if (!emailToLocalpart(m.email).includes(q.name) && !m.email.includes(q.name.toLowerCase())) return false;
    } else if (q.userId !== undefined && !id(m).includes(q.userId)) return false;
    if (q.deactivated === true) return false; // nobody is deactivated
    if (q.admins !== null && m.admin !== q.admins) return false;
    if (q.notUserTypes.includes("")) return false; // "" excludes users without a type: all of ours
    return true;
  });
  const sign = q.dir === "b" ? -1 : 1;
  rows = rows
    .map((m) => ({ m, v: sortValue(m, q.orderBy, serverName), n: id(m) }))
    .sort((x, y) => {
      const c =
        typeof x.v === "string" && typeof y.v === "string"
          ? cmpBytes(x.v, y.v)
          : cmpNullable(x.v as number | null, y.v as number | null);
      return c !== 0 ? sign * c : cmpBytes(x.n, y.n);
    })
    .map((r) => r.m);
  const total = rows.length;
  const from = q.from > BigInt(total) ? total : Number(q.from);
  const limit = q.limit > BigInt(total) ? total : Number(q.limit);
  return { page: rows.slice(from, from + limit), total };
}

export function userListItemJson(m: TeamMember, serverName: string): JsonValue {
  return {
    name: toMatrixUserId(m.email, serverName),
    user_type: null,
    is_guest: false,
    admin: m.admin,
    deactivated: false,
    shadow_banned: false,
    displayname: m.email,
    avatar_url: null,
    creation_ts: m.createdAt.getTime(), // milliseconds in the list (Synapse: creation_ts * 1000)
    erased: false,
    last_seen_ts: m.lastSeen ? m.lastSeen.getTime() : null,
    locked: false,
  };
}

async function visibleMembers(prisma: PrismaClient, actor: Principal): Promise<TeamMember[]> {
  const all = hasRole(actor, "admin");
  const users: UserRow[] = all
    ? await listUsers(prisma, actor)
    : (await prisma.user.findMany({ where: { email: actor.email } })).map((u) => ({
        id: u.id,
        email: u.email,
        role: u.role,
        createdAt: u.createdAt,
      }));
  const lastSeen = new Map<string, Date>();
  for (const t of await listTokens(prisma, actor, { all })) {
    const prev = lastSeen.get(t.ownerEmail);
    if (t.lastUsedAt && (!prev || t.lastUsedAt > prev)) lastSeen.set(t.ownerEmail, t.lastUsedAt);
  }
  return users.map((u) => ({
    email: u.email,
    admin: u.role === "admin",
    createdAt: u.createdAt,
    lastSeen: lastSeen.get(u.email) ?? null,
  }));
}

/** GET /_synapse/admin/{v2,v3}/users: checks in Synapse's order (auth, then parameters). */
export async function listUsersSynapse(
  prisma: PrismaClient,
  actor: Principal,
  query: URLSearchParams,
  opts: { version: "v2" | "v3"; serverName: string },
): Promise<JsonValue> {
  const members = await visibleMembers(prisma, actor);
  const q = parseUserListQuery(query, opts.version);
  const { page, total } = selectMembers(members, q, opts.serverName);
  const next = nextToken(q.from, q.limit, page.length, BigInt(total));
  return {
    users: page.map((m) => userListItemJson(m, opts.serverName)),
    total,
    next_token: next === null ? undefined : next.toString(),
  };
}

/** GET /_synapse/admin/v2/users/<user_id>: one member in Synapse's "query user account" shape. */
export async function getUserSynapse(
  prisma: PrismaClient,
  actor: Principal,
  userId: string,
  serverName: string,
): Promise<JsonValue> {
  const parts = splitMatrixUserId(userId);
  if (!hasRole(actor, "admin") && (!parts || matrixUserIdToEmail(userId, serverName) !== actor.email)) {
    requireRole(actor, "admin", "see other team members");
  }
  const members = await visibleMembers(prisma, actor);
  if (!parts) throw new AppError("invalid_param", "Invalid user id");
  if (parts.server.toLowerCase() !== serverName.toLowerCase())
    throw new AppError("bad_request", "Can only look up local users");
  const email = matrixUserIdToEmail(userId, serverName);
  const m = members.find((x) => x.email === email);
  if (!m) throw new AppError("not_found", "User not found");
  const added = m.createdAt.getTime();
  return {
    name: toMatrixUserId(m.email, serverName),
    displayname: m.email,
    threepids: [{ medium: "email", address: m.email, added_at: added, validated_at: added }],
    avatar_url: null,
    is_guest: false,
    admin: m.admin,
    deactivated: false,
    erased: false,
    shadow_banned: false,
    creation_ts: Math.floor(added / 1000), // seconds here, as Synapse's users table stores it
    appservice_id: null,
    consent_server_notice_sent: null,
    consent_version: null,
    consent_ts: null,
    external_ids: [],
    user_type: null,
    locked: false,
    suspended: false,
    last_seen_ts: m.lastSeen ? m.lastSeen.getTime() : null,
  };
}
