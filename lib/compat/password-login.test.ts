// Matrix password login, the full flow on a real database (failures are counted in
// login_throttle). The request parsing is tested in password-login-request.test.ts.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "../errors";
import { toMatrixError } from "../http/matrix-errors";
import { INVALID_CREDENTIALS, passwordLogin } from "./password-login";
import { hashPassword } from "../auth/passwords";
import { attemptLogin } from "../auth/login";
import type { ConsoleSettings } from "../settings/settings";
import type { PrismaClient } from "../generated/prisma/client";
import { createTestPrismaDatabase, type TestPrismaDatabase } from "../testing/test-prisma";

const HS = "e2e.test";

let db: TestPrismaDatabase;
let prisma: PrismaClient;
before(async () => {
  db = await createTestPrismaDatabase();
  prisma = db.prisma;
});
after(() => db.close());
beforeEach(async () => {
  await db.pool.query("TRUNCATE users, login_throttle CASCADE");
  await db.pool.query(
    "INSERT INTO users (id, email, role, password_hash) VALUES (gen_random_uuid(), 'known@example.org', 'viewer', $1), (gen_random_uuid(), 'nopassword@example.org', 'viewer', NULL)",
    [await hashPassword("right-password")],
  );
});

const cfg: ConsoleSettings = {
  sessionMaxAgeSec: 3600,
  maxFailuresPerAccountAddress: 5,
  maxFailuresPerAddress: 8,
  maxFailuresPerAccount: 20,
  lockoutMs: 15 * 60_000,
};
const ctx = { serverName: HS, clientAddress: "192.0.2.1" };
const login = (user: string, password: string) => ({
  type: "m.login.password",
  identifier: { type: "m.id.user", user },
  password,
});
const run = (
  user: string,
  password: string,
  c: { serverName: string; clientAddress?: string | null } = ctx,
  conf = cfg,
) => passwordLogin(prisma, db.pool, conf, login(user, password), c);

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AppError);
    return toMatrixError(e);
  }
  assert.fail("expected the login to fail");
}

test("the right password → a named token for the member's Matrix-style id; the account's failures from that address are cleared", async () => {
  await failure(run("known@example.org", "wrong-password"));
  const r = await run("@known=40example.org:e2e.test", "right-password");
  assert.equal(r.user_id, "@known=40example.org:e2e.test");
  assert.equal(r.home_server, HS);
  const row = await prisma.apiToken.findFirstOrThrow({ where: { prefix: r.device_id } });
  assert.equal(row.name, "Matrix login (unknown device)");
  const left = await db.pool.query("SELECT key, failures FROM login_throttle ORDER BY key");
  assert.deepEqual(left.rows, [
    { key: "account:known@example.org", failures: 1 }, // the ceiling and the address keep the failure
    { key: "address:192.0.2.1", failures: 1 },
    { key: "pair:known@example.org from 192.0.2.1", failures: 0 },
  ]);
});

test("wrong password, unknown account, account without password, other server: one identical 403", async () => {
  const expected = { status: 403, body: { errcode: "M_FORBIDDEN", error: INVALID_CREDENTIALS } };
  const big = { ...cfg, maxFailuresPerAccountAddress: 100, maxFailuresPerAddress: 100, maxFailuresPerAccount: 100 };
  for (const [user, pw] of [
    ["known@example.org", "wrong-password"],
    ["nobody@example.org", "right-password"],
    ["nopassword@example.org", ""],
    ["@known=40example.org:elsewhere.test", "right-password"],
    ["known@example.org", "x".repeat(2000)],
  ]) {
    assert.deepEqual(await failure(run(user, pw, ctx, big)), expected, user);
  }
});

test("an unknown account or one without a password costs a password verification too (no fast path)", async () => {
  const big = { ...cfg, maxFailuresPerAccountAddress: 1000, maxFailuresPerAddress: 1000, maxFailuresPerAccount: 1000 };
  await failure(run("nobody@example.org", "warm-up", ctx, big)); // the dummy hash is made once
  const users = ["known@example.org", "nobody@example.org", "nopassword@example.org"];
  const runs = new Map(users.map((u) => [u, [] as number[]]));
  for (let i = 0; i < 7; i++) {
    for (const u of users) {
      // interleaved, so machine load hits all three alike
      const t0 = performance.now();
      await failure(run(u, "wrong-password", ctx, big));
      runs.get(u)!.push(performance.now() - t0);
    }
  }
  const median = (u: string) => runs.get(u)!.sort((a, b) => a - b)[3];
  const known = median("known@example.org");
  for (const u of users.slice(1)) {
    assert.ok(median(u) > known * 0.5, `${u}: ${median(u).toFixed(1)} ms vs known account ${known.toFixed(1)} ms`);
  }
});

test("FEDCONSOLE_LOGIN_MAX_FAILURES failures from one address pause the account there → 429 M_LIMIT_EXCEEDED with retry_after_ms, even for the right password; other addresses and accounts are not", async () => {
  for (let i = 0; i < 4; i++) assert.equal((await failure(run("known@example.org", "wrong-password"))).status, 403);
  const fifth = await failure(run("known@example.org", "wrong-password"));
  assert.equal(fifth.status, 429);
  assert.equal(fifth.body.retry_after_ms, 15 * 60_000);
  const limited = await failure(run("@known=40example.org:e2e.test", "right-password"));
  assert.equal(limited.status, 429);
  assert.equal(limited.body.errcode, "M_LIMIT_EXCEEDED");
  assert.match(String(limited.body.error), /Too many failed sign-ins for this account/);
  assert.ok(
    typeof limited.body.retry_after_ms === "number" &&
      limited.body.retry_after_ms > 14 * 60_000 &&
      limited.body.retry_after_ms <= 15 * 60_000,
  );
  assert.equal((await failure(run("nobody@example.org", "x"))).status, 403);
  const elsewhere = await run("known@example.org", "right-password", { serverName: HS, clientAddress: "10.9.9.9" });
  assert.equal(elsewhere.user_id, "@known=40example.org:e2e.test");
});

test("FEDCONSOLE_LOGIN_MAX_FAILURES_PER_ACCOUNT failures from many addresses pause the account everywhere", async () => {
  for (let i = 0; i < 19; i++)
    assert.equal(
      (await failure(run("known@example.org", "wrong-password", { serverName: HS, clientAddress: `10.0.0.${i}` })))
        .status,
      403,
    );
  assert.equal(
    (await failure(run("known@example.org", "wrong-password", { serverName: HS, clientAddress: "10.0.0.19" }))).status,
    429,
  );
  const limited = await failure(
    run("known@example.org", "right-password", { serverName: HS, clientAddress: "10.9.9.9" }),
  );
  assert.equal(limited.status, 429);
  assert.match(String(limited.body.error), /^Too many failed sign-ins for this account\./);
});

test("the count is the console sign-in's: failures there pause Matrix login, and the other way round", async () => {
  for (let i = 0; i < 5; i++)
    await attemptLogin(db.pool, cfg, { email: "Known@example.org", password: "wrong", address: "192.0.2.1" });
  assert.equal((await failure(run("known@example.org", "right-password"))).status, 429);

  await db.pool.query("TRUNCATE login_throttle");
  for (let i = 0; i < 5; i++) await failure(run("known@example.org", "wrong-password"));
  const signIn = await attemptLogin(db.pool, cfg, {
    email: "known@example.org",
    password: "right-password",
    address: "192.0.2.1",
  });
  assert.equal(signIn.ok, false);
  assert.equal(!signIn.ok && signIn.reason, "locked");
});

test("per client address: failures over many accounts pause that address only", async () => {
  for (let i = 0; i < 7; i++) assert.equal((await failure(run(`spray${i}@example.org`, "x"))).status, 403);
  const eighth = await failure(run("spray7@example.org", "x"));
  assert.equal(eighth.status, 429);
  const blocked = await failure(run("known@example.org", "right-password"));
  assert.equal(blocked.status, 429);
  assert.match(String(blocked.body.error), /from your address/);
  assert.equal(
    (await run("known@example.org", "right-password", { serverName: HS, clientAddress: "192.0.2.2" })).user_id,
    "@known=40example.org:e2e.test",
  );
});
