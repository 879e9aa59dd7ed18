// POST /_matrix/client/{v3,r0}/login with m.login.password: a team member's e-mail (or
// Matrix-style id) and password buy a new named API token, as Synapse's login buys an access
// token. The token is an ordinary one: listed with the user's tokens, revocable there,
// audited by createToken. The credentials are checked by the console's sign-in
// (attemptLogin): the same failure counts per account and per client address, kept in the
// database and shared with console sign-in, and the same timing protection for unknown
// accounts. Failures never say which part was wrong.
import type pg from "pg";
import type { PrismaClient } from "../generated/prisma/client";
import { AppError } from "../errors";
import type { Principal } from "../auth/principal";
import { createToken } from "../auth/tokens";
import { attemptLogin } from "../auth/login";
import type { ConsoleSettings } from "../settings/settings";
import { localpartToEmail, matrixUserIdToEmail, toMatrixUserId } from "./matrix-user-id";

export const INVALID_CREDENTIALS = "Invalid username or password";
/** Longer passwords are refused without hashing them (argon2 on megabytes is a DoS). */
export const MAX_PASSWORD_LENGTH = 1024;
const TOKEN_NAME_MAX = 100; // createToken's limit

export type LoginRequest = {
  /** The e-mail address the identifier names, or null when it names no possible team member. */
  email: string | null;
  /** What failures are counted against (the e-mail when known). */
  account: string;
  password: string;
  /** initial_device_display_name, else device_id, else null. */
  deviceLabel: string | null;
};

export type LoginResult = { user_id: string; access_token: string; home_server: string; device_id: string };

const str = (v: unknown): v is string => typeof v === "string";

/** The e-mail address a login "user" names: an address, a Matrix-style id of ours, or its localpart. */
export function emailOfLoginUser(user: string, serverName: string): string | null {
  const u = user.trim();
  const email = u.startsWith("@")
    ? matrixUserIdToEmail(u, serverName)
    : u.includes("@")
      ? u.toLowerCase()
      : localpartToEmail(u);
  return email?.includes("@") ? email : null;
}

/** Validates the body (400s in Synapse's wording); says nothing yet about the credentials. */
export function parseLoginRequest(body: Record<string, unknown>, serverName: string): LoginRequest {
  if (body.type !== "m.login.password") {
    throw new AppError(
      "bad_request",
      `Unknown login type ${str(body.type) ? body.type : JSON.stringify(body.type ?? null)}; this server offers m.login.password only.`,
    );
  }
  let email: string | null;
  let account: string;
  const identifier = body.identifier ?? (body.user !== undefined ? { type: "m.id.user", user: body.user } : undefined);
  if (identifier === undefined) throw new AppError("missing_param", "Missing params: ['identifier']");
  if (identifier === null || typeof identifier !== "object" || Array.isArray(identifier)) {
    throw new AppError("bad_json", "'identifier' must be a JSON object.");
  }
  const id = identifier as Record<string, unknown>;
  if (id.type === "m.id.user") {
    if (!str(id.user)) throw new AppError("missing_param", "Missing params: ['user']");
    email = emailOfLoginUser(id.user, serverName);
    account = email ?? id.user.trim().toLowerCase();
  } else if (id.type === "m.id.thirdparty") {
    if (!str(id.medium) || !str(id.address))
      throw new AppError("missing_param", "Missing params: ['medium', 'address']");
    email = id.medium === "email" ? id.address.trim().toLowerCase() : null;
    account = email ?? `${id.medium}:${id.address.trim().toLowerCase()}`;
  } else if (id.type === undefined) {
    throw new AppError("bad_request", "'identifier' dict has no key 'type'");
  } else {
    throw new AppError("bad_request", "Unknown login identifier type");
  }
  if (!str(body.password)) throw new AppError("invalid_param", "Bad parameter: password");
  const label = [body.initial_device_display_name, body.device_id].find((v) => str(v) && cleanLabel(v) !== "");
  return {
    email,
    account: account.slice(0, 320),
    password: body.password,
    deviceLabel: str(label) ? cleanLabel(label) : null,
  };
}

function cleanLabel(s: string): string {
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this removes
      .replace(/[\u0000-\u001f\u007f]/g, " ")
      .replace(/\s+/g, " ")
      .trim()
  );
}

/** Names of the tokens this login creates start with this (logout.ts relies on it). */
export const LOGIN_TOKEN_NAME_PREFIX = "Matrix login (";

/** "Matrix login (<device>)", within the token name limit. */
export function loginTokenName(deviceLabel: string | null): string {
  const label = deviceLabel ?? "unknown device";
  const room = TOKEN_NAME_MAX - LOGIN_TOKEN_NAME_PREFIX.length - 1;
  return `${LOGIN_TOKEN_NAME_PREFIX}${label.length > room ? label.slice(0, room - 1) + "…" : label})`;
}

export async function passwordLogin(
  prisma: PrismaClient,
  pool: pg.Pool,
  cfg: ConsoleSettings,
  body: Record<string, unknown>,
  ctx: { serverName: string; clientAddress?: string | null },
): Promise<LoginResult> {
  const req = parseLoginRequest(body, ctx.serverName);
  // An identifier naming no possible team member is looked up (and counted) as it was given:
  // no account has that address, so it fails like an unknown e-mail.
  const r = await attemptLogin(pool, cfg, {
    email: req.account,
    password: req.password.length <= MAX_PASSWORD_LENGTH ? req.password : "", // "" never matches (passwords have 8+ characters)
    address: ctx.clientAddress ?? null,
    via: "matrix",
  });
  if (!r.ok) {
    if (r.reason === "locked" || r.reason === "busy")
      throw new AppError("rate_limited", r.message, {
        retry_after_ms: Math.max(1, Math.ceil(r.retryAfterMs ?? cfg.lockoutMs)),
      });
    throw new AppError("forbidden", INVALID_CREDENTIALS);
  }

  const actor: Principal = { userId: r.user.id, email: r.user.email, role: r.user.role, via: "api" };
  const { token, row } = await createToken(prisma, actor, { name: loginTokenName(req.deviceLabel) });
  return {
    user_id: toMatrixUserId(r.user.email, ctx.serverName),
    access_token: token,
    home_server: ctx.serverName,
    device_id: row.prefix,
  };
}
