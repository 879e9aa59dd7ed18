// Team members: add, list, change role, remove (never the last admin).
import crypto from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client";
import { AppError } from "../errors";
import { type Principal, type Role, requireRole } from "./principal";
import { checkPasswordStrength, hashPassword } from "./passwords";
import { recordAudit } from "../audit/record-audit";
import { forgetCachedTokens } from "./token-cache";

export type UserRow = { id: string; email: string; role: Role; createdAt: Date };

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function normaliseEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 254)
    throw new AppError("invalid_param", `"${raw}" is not an email address.`);
  return email;
}

export type AddUserResult = { user: UserRow; generatedPassword?: string };

export async function addUser(
  prisma: PrismaClient,
  actor: Principal,
  input: { email: string; role: Role; password?: string },
): Promise<AddUserResult> {
  requireRole(actor, "admin", "add users");
  const email = normaliseEmail(input.email);
  const generatedPassword = input.password === undefined ? crypto.randomBytes(12).toString("base64url") : undefined;
  const password = input.password ?? generatedPassword!;
  checkPasswordStrength(password);
  const passwordHash = await hashPassword(password);
  const user = await prisma.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email } }))
      throw new AppError("conflict", `A user ${email} already exists.`);
    const u = await tx.user.create({ data: { email, role: input.role, passwordHash } });
    await recordAudit(tx, actor, { action: "user.add", detail: { email, role: input.role } });
    return u;
  });
  return { user: toRow(user), generatedPassword };
}

export async function listUsers(prisma: PrismaClient, actor: Principal): Promise<UserRow[]> {
  requireRole(actor, "admin", "list users");
  return (await prisma.user.findMany({ orderBy: { email: "asc" } })).map(toRow);
}

export async function setUserRole(
  prisma: PrismaClient,
  actor: Principal,
  emailRaw: string,
  role: Role,
): Promise<UserRow> {
  requireRole(actor, "admin", "change roles");
  const email = normaliseEmail(emailRaw);
  const row = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(724311978)`; // serialise last-admin checks
    const u = await tx.user.findUnique({ where: { email } });
    if (!u) throw new AppError("not_found", `No user ${email}.`);
    if (u.role === "admin" && role !== "admin" && (await tx.user.count({ where: { role: "admin" } })) <= 1) {
      throw new AppError("conflict", `${email} is the last admin; make another user admin first.`);
    }
    const updated = await tx.user.update({ where: { email }, data: { role } });
    await recordAudit(tx, actor, { action: "user.set_role", detail: { email, from: u.role, to: role } });
    return toRow(updated);
  });
  forgetCachedTokens(); // their tokens' cached checks carry the old role (token-cache.ts)
  return row;
}

export async function removeUser(prisma: PrismaClient, actor: Principal, emailRaw: string): Promise<void> {
  requireRole(actor, "admin", "remove users");
  const email = normaliseEmail(emailRaw);
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(724311978)`;
    const u = await tx.user.findUnique({ where: { email } });
    if (!u) throw new AppError("not_found", `No user ${email}.`);
    if (u.role === "admin" && (await tx.user.count({ where: { role: "admin" } })) <= 1) {
      throw new AppError("conflict", `${email} is the last admin and cannot be removed.`);
    }
    await tx.user.delete({ where: { email } }); // tokens go with it (cascade)
    await recordAudit(tx, actor, { action: "user.remove", detail: { email } });
  });
  forgetCachedTokens(); // their tokens are gone (token-cache.ts)
}

export async function countUsers(prisma: PrismaClient): Promise<number> {
  return prisma.user.count();
}

function toRow(u: { id: string; email: string; role: Role; createdAt: Date }): UserRow {
  return { id: u.id, email: u.email, role: u.role, createdAt: u.createdAt };
}
