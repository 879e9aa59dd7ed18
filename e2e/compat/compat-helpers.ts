// Shared helpers for the Synapse-admin-UI compatibility specs (not a spec itself). Expected
// values come from the contract (issue 7, README "Use with Ketesa / synapse-admin", Synapse's
// admin API docs) and from the database, never from the server's own answers.
import crypto from "node:crypto";
import { expect, db, testEnv } from "../support/fixtures";
import { fedctl } from "../support/server";
import { type Res, raw } from "../api/helpers";

export const SERVER_NAME = "e2e.test"; // FEDCONSOLE_SERVER_NAME of the e2e run

/** The README's mapping, written independently of lib/: [a-z0-9._-] kept, other UTF-8 bytes as =xx. */
export function mxid(email: string): string {
  let local = "";
  for (const b of Buffer.from(email, "utf8")) {
    const c = String.fromCharCode(b);
    local += /[a-z0-9._-]/.test(c) && b < 0x80 ? c : "=" + b.toString(16).padStart(2, "0");
  }
  return `@${local}:${SERVER_NAME}`;
}

export const ROLE_EMAILS = {
  admin: "admin@e2e.test",
  operator: "operator@e2e.test",
  viewer: "viewer@e2e.test",
} as const;

/** The visible prefix the server stored for a token secret (what whoami/login call device_id). */
export async function storedPrefix(token: string): Promise<string | undefined> {
  const hash = crypto.createHash("sha256").update(token, "utf8").digest("hex");
  const r = await db().query("SELECT prefix FROM api_tokens WHERE token_hash = $1", [hash]);
  return r.rows[0]?.prefix;
}

/** Adds a team member with fedctl (as an operator would). */
export async function addMember(email: string, role: "viewer" | "operator" | "admin", password: string): Promise<void> {
  const r = await fedctl(["users", "add", email, "--role", role, "--password", password], testEnv());
  expect(r.code, r.stderr).toBe(0);
}

export const uniqueEmail = (what: string) => `${what}-${crypto.randomBytes(4).toString("hex")}@compat.e2e.test`;

/** Ketesa's login request (authProvider.login), verbatim apart from the credentials. */
export function ketesaLogin(
  user: string,
  password: string,
  path = "/_matrix/client/v3/login",
  headers: Record<string, string> = {},
): Promise<Res> {
  return raw("POST", path, {
    headers: { Accept: "application/json", "Content-Type": "application/json", ...headers },
    body: JSON.stringify({
      device_id: null,
      initial_device_display_name: "Ketesa",
      type: "m.login.password",
      identifier: { type: "m.id.user", user },
      password,
    }),
  });
}

/** The CORS a browser UI on another origin needs on every answer. */
export function expectCors(res: Res, what = "") {
  expect(res.headers["access-control-allow-origin"], `allow-origin ${what}`).toBe("*");
}

/** A JSON error body exactly {errcode, error[, …extra]} with CORS: what the admin UIs' error handling reads. */
export function expectMatrixError(res: Res, status: number, body: Record<string, unknown>, what = "") {
  expect(res.status, `${what} ${res.text.slice(0, 300)}`).toBe(status);
  expect(res.headers["content-type"], what).toMatch(/^application\/json\b/);
  expect(JSON.parse(res.text), what).toEqual(body);
  expectCors(res, what);
}

export const MISSING_TOKEN = { errcode: "M_MISSING_TOKEN", error: "Missing access token" };
export const UNKNOWN_TOKEN = { errcode: "M_UNKNOWN_TOKEN", error: "Invalid access token passed.", soft_logout: false };
export const UNRECOGNIZED = { errcode: "M_UNRECOGNIZED", error: "Unrecognized request" };
export const INVALID_LOGIN = { errcode: "M_FORBIDDEN", error: "Invalid username or password" };
