import { hash, verify } from "@node-rs/argon2";
import { AppError } from "../errors";

export const MIN_PASSWORD_LENGTH = 8;

export function checkPasswordStrength(pw: string): void {
  if (pw.length < MIN_PASSWORD_LENGTH) {
    throw new AppError("invalid_param", `Passwords need at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
}

export const hashPassword = (pw: string) => hash(pw);

export async function verifyPassword(stored: string | null, pw: string): Promise<boolean> {
  if (!stored) return false;
  try {
    return await verify(stored, pw);
  } catch {
    return false;
  }
}
