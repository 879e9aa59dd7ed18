// Who is acting, as every domain function receives it: from an API token, a console
// session or the command line. Authorization happens inside the domain call.
import { z } from "zod";
import { AppError } from "../errors";
import { parseInput } from "../http/action-input";

export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];
export type Via = "api" | "console" | "cli";

export type Principal = { userId: string | null; email: string; role: Role; via: Via };

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export const hasRole = (p: Principal, needed: Role) => RANK[p.role] >= RANK[needed];

export function requireRole(p: Principal, needed: Role, action: string): void {
  if (!hasRole(p, needed)) {
    throw new AppError(
      "forbidden",
      `You are not allowed to ${action}: it needs the ${needed} role, and ${p.email} is ${p.role}.`,
    );
  }
}

/** A role by name; anything else is refused with the list of roles (console forms and fedctl). */
export const roleSchema = z.enum(ROLES, {
  error: (issue) => `Unknown role "${String(issue.input)}"; use one of ${ROLES.join(", ")}.`,
});

export const parseRole = (raw: string): Role => parseInput(roleSchema, raw);

/** The command line acts with full rights: whoever runs it controls the database anyway. */
export const CLI_PRINCIPAL: Principal = { userId: null, email: "fedctl", role: "admin", via: "cli" };
