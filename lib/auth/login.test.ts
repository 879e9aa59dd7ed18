// Console sign-in, its throttling, the shared session secret and session principals.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { attemptLogin, INVALID_LOGIN } from "./login";
import { getOrCreateAuthSecret } from "./auth-secret";
import { principalForSession } from "./session-principal";
import { loadSettings, type ConsoleSettings } from "../settings/settings";

const loadConsoleConfig = (env: Record<string, string>) => loadSettings(env).console;
import { hashPassword } from "./passwords";

let db: TestDatabase;
let userId: string;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE users, login_throttle CASCADE");
  const r = await db.pool.query(
    "INSERT INTO users (id, email, role, password_hash) VALUES (gen_random_uuid(), 'ann@x.test', 'operator', $1) RETURNING id",
    [await hashPassword("right-password")],
  );
  userId = r.rows[0].id;
});

const cfg: ConsoleSettings = {
  sessionMaxAgeSec: 3600,
  maxFailuresPerAccount: 3,
  maxFailuresPerAddress: 5,
  lockoutMs: 60_000,
};
const T0 = 1_800_000_000_000;

test("right password → the user; email is trimmed and case-insensitive", async () => {
  const r = await attemptLogin(db.pool, cfg, {
    email: "  Ann@X.test ",
    password: "right-password",
    address: "1.2.3.4",
    nowMs: T0,
  });
  assert.deepEqual(r, { ok: true, user: { id: userId, email: "ann@x.test", role: "operator" } });
});

test("wrong password and unknown email read the same", async () => {
  const a = await attemptLogin(db.pool, cfg, { email: "ann@x.test", password: "nope", address: "1.2.3.4", nowMs: T0 });
  const b = await attemptLogin(db.pool, cfg, { email: "bob@x.test", password: "nope", address: "1.2.3.4", nowMs: T0 });
  assert.deepEqual(a, { ok: false, reason: "invalid", message: INVALID_LOGIN });
  assert.deepEqual(b, { ok: false, reason: "invalid", message: INVALID_LOGIN });
});

test("per account: the Nth failure pauses the account, even the right password is refused until the pause ends", async () => {
  for (let i = 0; i < 2; i++)
    assert.equal(
      (await attemptLogin(db.pool, cfg, { email: "ann@x.test", password: "x", address: `10.0.0.${i}`, nowMs: T0 + i }))
        .ok,
      false,
    );
  const third = await attemptLogin(db.pool, cfg, {
    email: "ann@x.test",
    password: "x",
    address: "10.0.0.9",
    nowMs: T0 + 2,
  });
  assert.equal(third.ok, false);
  assert.equal(!third.ok && third.reason, "locked");
  assert.match(
    !third.ok ? third.message : "",
    /^Wrong email or password\. Too many failed sign-ins for this account\. Try again in 1 min\.$/,
  );
  const refused = await attemptLogin(db.pool, cfg, {
    email: "ann@x.test",
    password: "right-password",
    address: "10.9.9.9",
    nowMs: T0 + 30_000,
  });
  assert.equal(refused.ok, false);
  assert.match(!refused.ok ? refused.message : "", /Too many failed sign-ins for this account\. Try again in 31 s\./); // 30.002 s, rounded up
  const later = await attemptLogin(db.pool, cfg, {
    email: "ann@x.test",
    password: "right-password",
    address: "10.9.9.9",
    nowMs: T0 + 60_003,
  });
  assert.equal(later.ok, true);
});

test("a success clears the account's failures; failures outside the window do not add up", async () => {
  await attemptLogin(db.pool, cfg, { email: "ann@x.test", password: "x", address: null, nowMs: T0 });
  await attemptLogin(db.pool, cfg, { email: "ann@x.test", password: "x", address: null, nowMs: T0 + 1 });
  assert.equal(
    (
      await attemptLogin(db.pool, cfg, {
        email: "ann@x.test",
        password: "right-password",
        address: null,
        nowMs: T0 + 2,
      })
    ).ok,
    true,
  );
  await attemptLogin(db.pool, cfg, { email: "ann@x.test", password: "x", address: null, nowMs: T0 + 3 });
  await attemptLogin(db.pool, cfg, { email: "ann@x.test", password: "x", address: null, nowMs: T0 + 4 });
  await attemptLogin(db.pool, cfg, { email: "ann@x.test", password: "x", address: null, nowMs: T0 + 4 + 60_000 }); // new window
  assert.equal(
    (
      await attemptLogin(db.pool, cfg, {
        email: "ann@x.test",
        password: "right-password",
        address: null,
        nowMs: T0 + 5 + 60_000,
      })
    ).ok,
    true,
  );
});

test("per address: failures across many accounts pause the address for everyone there", async () => {
  for (let i = 0; i < 5; i++)
    await attemptLogin(db.pool, cfg, { email: `u${i}@x.test`, password: "x", address: "6.6.6.6", nowMs: T0 + i });
  const r = await attemptLogin(db.pool, cfg, {
    email: "ann@x.test",
    password: "right-password",
    address: "6.6.6.6",
    nowMs: T0 + 10,
  });
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.message : "", /from your address/);
  assert.equal(
    (
      await attemptLogin(db.pool, cfg, {
        email: "ann@x.test",
        password: "right-password",
        address: "7.7.7.7",
        nowMs: T0 + 10,
      })
    ).ok,
    true,
  );
});

test("the auth secret is created once and shared", async () => {
  const a = await getOrCreateAuthSecret(db.pool);
  const [b, c] = await Promise.all([getOrCreateAuthSecret(db.pool), getOrCreateAuthSecret(db.pool)]);
  assert.ok(a.length >= 40);
  assert.equal(b, a);
  assert.equal(c, a);
});

test("session principal: role read fresh from the database; removed users have none", async () => {
  assert.deepEqual(await principalForSession(db.pool, userId), {
    userId,
    email: "ann@x.test",
    role: "operator",
    via: "console",
  });
  await db.pool.query("UPDATE users SET role = 'viewer' WHERE id = $1", [userId]);
  assert.equal((await principalForSession(db.pool, userId))?.role, "viewer");
  await db.pool.query("DELETE FROM users WHERE id = $1", [userId]);
  assert.equal(await principalForSession(db.pool, userId), null);
  assert.equal(await principalForSession(db.pool, "not-a-uuid"), null);
});

test("console settings: defaults and validation", () => {
  assert.deepEqual(loadConsoleConfig({}), {
    sessionMaxAgeSec: 43_200,
    maxFailuresPerAccount: 5,
    maxFailuresPerAddress: 50,
    lockoutMs: 900_000,
  });
  assert.equal(loadConsoleConfig({ FEDCONSOLE_SESSION_MAX_AGE: "30m" }).sessionMaxAgeSec, 1800);
  assert.throws(() => loadConsoleConfig({ FEDCONSOLE_SESSION_MAX_AGE: "5s" }), /at least 60 s/);
  assert.throws(() => loadConsoleConfig({ FEDCONSOLE_LOGIN_MAX_FAILURES: "0" }), /integer >= 1/);
});
