import { test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "../errors";
import { toMatrixError } from "../http/matrix-errors";
import { parseJsonObject } from "./json-body";
import { INVALID_CREDENTIALS, emailOfLoginUser, loginTokenName, parseLoginRequest, passwordLogin } from "./password-login";
import { LoginRateLimiter } from "./login-rate-limit";
import { hashPassword } from "../auth/passwords";
import type { PrismaClient } from "../generated/prisma/client";

const HS = "e2e.test";

function matrixError(fn: () => unknown): { status: number; errcode?: unknown; error?: unknown } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof AppError, String(e));
    const { status, body } = toMatrixError(e);
    return { status, ...body };
  }
  assert.fail("expected an error");
}

test("the login user may be an e-mail, our Matrix-style id, or its localpart", () => {
  assert.equal(emailOfLoginUser("Alice@Example.org ", HS), "alice@example.org");
  assert.equal(emailOfLoginUser("@alice=40example.org:e2e.test", HS), "alice@example.org");
  assert.equal(emailOfLoginUser("alice=40example.org", HS), "alice@example.org");
  assert.equal(emailOfLoginUser("@alice=40example.org:elsewhere.test", HS), null);
  assert.equal(emailOfLoginUser("alice", HS), null); // a localpart that is not a mapped address
});

test("identifier m.id.user and the legacy user field both work", () => {
  const a = parseLoginRequest({ type: "m.login.password", identifier: { type: "m.id.user", user: "alice@example.org" }, password: "pw", initial_device_display_name: "Ketesa" }, HS);
  assert.deepEqual(a, { email: "alice@example.org", account: "alice@example.org", password: "pw", deviceLabel: "Ketesa" });
  const b = parseLoginRequest({ type: "m.login.password", user: "@alice=40example.org:e2e.test", password: "pw", device_id: "DEV1" }, HS);
  assert.deepEqual(b, { email: "alice@example.org", account: "alice@example.org", password: "pw", deviceLabel: "DEV1" });
  const c = parseLoginRequest({ type: "m.login.password", identifier: { type: "m.id.thirdparty", medium: "email", address: "Alice@example.org" }, password: "pw" }, HS);
  assert.equal(c.email, "alice@example.org");
  assert.equal(c.deviceLabel, null);
});

test("an identifier naming nobody still parses: the failure is the generic 403 later", () => {
  const r = parseLoginRequest({ type: "m.login.password", identifier: { type: "m.id.user", user: "@Bob:other.test" }, password: "x" }, HS);
  assert.equal(r.email, null);
  assert.equal(r.account, "@bob:other.test");
  const m = parseLoginRequest({ type: "m.login.password", identifier: { type: "m.id.thirdparty", medium: "msisdn", address: "123" }, password: "x" }, HS);
  assert.equal(m.email, null);
});

test("malformed login bodies → Synapse's 400s", () => {
  assert.deepEqual(matrixError(() => parseJsonObject("not json")), { status: 400, errcode: "M_NOT_JSON", error: "Content not JSON." });
  assert.deepEqual(matrixError(() => parseJsonObject("")), { status: 400, errcode: "M_NOT_JSON", error: "Content not JSON." });
  assert.deepEqual(matrixError(() => parseJsonObject("[1]")), { status: 400, errcode: "M_BAD_JSON", error: "Content must be a JSON object." });
  assert.equal(matrixError(() => parseLoginRequest({ type: "m.login.token", token: "x" }, HS)).errcode, "M_UNKNOWN");
  assert.equal(matrixError(() => parseLoginRequest({ type: "m.login.password", password: "x" }, HS)).errcode, "M_MISSING_PARAM");
  assert.equal(matrixError(() => parseLoginRequest({ type: "m.login.password", identifier: { type: "m.id.user" }, password: "x" }, HS)).errcode, "M_MISSING_PARAM");
  assert.equal(matrixError(() => parseLoginRequest({ type: "m.login.password", identifier: { type: "m.id.phone" }, password: "x" }, HS)).errcode, "M_UNKNOWN");
  assert.equal(matrixError(() => parseLoginRequest({ type: "m.login.password", identifier: "alice", password: "x" }, HS)).errcode, "M_BAD_JSON");
  assert.deepEqual(matrixError(() => parseLoginRequest({ type: "m.login.password", user: "a@b.c", password: 5 }, HS)), { status: 400, errcode: "M_INVALID_PARAM", error: "Bad parameter: password" });
});

test("token names: 'Matrix login (<device>)', control characters removed, at most 100 characters", () => {
  assert.equal(loginTokenName("Ketesa"), "Matrix login (Ketesa)");
  assert.equal(loginTokenName(null), "Matrix login (unknown device)");
  const label = parseLoginRequest({ type: "m.login.password", user: "a@b.c", password: "x", initial_device_display_name: "  Synapse\nAdmin\t ", device_id: "D" }, HS).deviceLabel;
  assert.equal(label, "Synapse Admin");
  const long = loginTokenName("x".repeat(500));
  assert.equal(long.length, 100);
  assert.match(long, /^Matrix login \(x+…\)$/);
  // a blank display name falls back to the device id
  assert.equal(parseLoginRequest({ type: "m.login.password", user: "a@b.c", password: "x", initial_device_display_name: " ", device_id: "DEV" }, HS).deviceLabel, "DEV");
});

// --- the full flow's failure path, with a stand-in for the database ---------------------

async function fakeDb() {
  const users = new Map([
    ["known@example.org", { id: "u1", email: "known@example.org", role: "viewer", passwordHash: await hashPassword("right-password") }],
    ["nopassword@example.org", { id: "u2", email: "nopassword@example.org", role: "viewer", passwordHash: null }],
  ]);
  return { user: { findUnique: async ({ where }: { where: { email: string } }) => users.get(where.email) ?? null } } as unknown as PrismaClient;
}

const login = (user: string, password: string) => ({ type: "m.login.password", identifier: { type: "m.id.user", user }, password });

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AppError);
    return toMatrixError(e);
  }
  assert.fail("expected the login to fail");
}

test("wrong password, unknown account, account without password, other server: one identical 403", async () => {
  const db = await fakeDb();
  const ctx = { serverName: HS, limiter: new LoginRateLimiter() };
  const expected = { status: 403, body: { errcode: "M_FORBIDDEN", error: INVALID_CREDENTIALS } };
  assert.deepEqual(await failure(passwordLogin(db, login("known@example.org", "wrong-password"), ctx)), expected);
  assert.deepEqual(await failure(passwordLogin(db, login("nobody@example.org", "right-password"), ctx)), expected);
  assert.deepEqual(await failure(passwordLogin(db, login("nopassword@example.org", ""), ctx)), expected);
  assert.deepEqual(await failure(passwordLogin(db, login("@known=40example.org:elsewhere.test", "right-password"), ctx)), expected);
  assert.deepEqual(await failure(passwordLogin(db, login("known@example.org", "x".repeat(2000)), ctx)), expected);
});

test("an unknown account costs a password verification too (no fast 'no such user' path)", async () => {
  const db = await fakeDb();
  const ctx = { serverName: HS, limiter: new LoginRateLimiter({ maxFailures: 1000 }) };
  await failure(passwordLogin(db, login("nobody@example.org", "warm-up"), ctx)); // the dummy hash is made once
  const users = ["known@example.org", "nobody@example.org", "nopassword@example.org"];
  const runs = new Map(users.map((u) => [u, [] as number[]]));
  for (let i = 0; i < 7; i++) {
    for (const u of users) { // interleaved, so machine load hits all three alike
      const t0 = performance.now();
      await failure(passwordLogin(db, login(u, "wrong-password"), ctx));
      runs.get(u)!.push(performance.now() - t0);
    }
  }
  const median = (u: string) => runs.get(u)!.sort((a, b) => a - b)[3];
  const known = median("known@example.org");
  for (const u of users.slice(1)) {
    assert.ok(median(u) > known * 0.5, `${u}: ${median(u).toFixed(1)} ms vs known account ${known.toFixed(1)} ms`);
  }
});

test("after 10 failures the account is refused with 429 even with the right password; other accounts are not", async () => {
  const db = await fakeDb();
  const ctx = { serverName: HS, limiter: new LoginRateLimiter() };
  for (let i = 0; i < 10; i++) await failure(passwordLogin(db, login("known@example.org", "wrong-password"), ctx));
  const limited = await failure(passwordLogin(db, login("@known=40example.org:e2e.test", "right-password"), ctx));
  assert.equal(limited.status, 429);
  assert.equal(limited.body.errcode, "M_LIMIT_EXCEEDED");
  assert.ok(typeof limited.body.retry_after_ms === "number" && limited.body.retry_after_ms > 0 && limited.body.retry_after_ms <= 15 * 60_000);
  assert.equal((await failure(passwordLogin(db, login("nobody@example.org", "x"), ctx))).status, 403);
});
