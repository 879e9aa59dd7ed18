// The declarative shape of an API route: a path pattern (literal segments, null = one
// parameter) and a handler per method. Handlers parse the request, call one lib/ function and
// answer JSON; errors are thrown as AppError and answered by the router (lib/http/api-router.ts).
import type pg from "pg";
import { authenticateRequest } from "../auth/authenticate-request";
import { type Principal, type Role, requireRole } from "../auth/principal";
import { getDb } from "../db";
import type { ApiRequest } from "./api-request";
import type { ApiAnswer } from "./respond";

export type RouteContext = { req: ApiRequest; query: URLSearchParams; params: string[] };
export type Handler = (ctx: RouteContext) => Promise<ApiAnswer>;
export type Route = { pattern: (string | null)[]; methods: Partial<Record<string, Handler>> };

/** The caller's principal from its bearer token (or ?access_token=); 401 without a valid one. */
export async function authenticated(ctx: RouteContext): Promise<Principal> {
  const { pool } = await getDb();
  return authenticateRequest(pool, ctx.req.headers, ctx.query);
}

/** The caller, who must hold at least `role` (403 otherwise, saying what `action` needs). */
export async function principalWith(ctx: RouteContext, role: Role, action: string): Promise<Principal> {
  const p = await authenticated(ctx);
  requireRole(p, role, action);
  return p;
}

export async function dbPool(): Promise<pg.Pool> {
  return (await getDb()).pool;
}
