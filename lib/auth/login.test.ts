// Console sign-in, its throttling, the shared session secret and session principals.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { attemptLogin, BUSY_LOGIN, INVALID_LOGIN } from "./login";
import { throttleAddress } from "./throttle-keys";
import { MAX_IN_FLIGHT, MAX_WAIT_MS, MAX_WAITING, verifySlotUse } from "./verify-slots";
import { getOrCreateAuthSecret } from "./auth-secret";
import { principalForSession } from "./session-principal";
import { loadSettings, type ConsoleSettings } from "../settings/settings";

const loadConsoleConfig = (env: Record<string, string>) => loadSettings(env).console;
import { hashPassword, verifyPassword } from "./passwords";

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
  maxFailuresPerAccountAddress: 3,
  maxFailuresPerAddress: 5,
  maxFailuresPerAccount: 8,
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
  assert.deepEqual(r, { ok: true, user: { id: userId, email: "ann@x.test", role: "operator", sessionVersion: 0 } });
});

test("wrong password and unknown email read the same", async () => {
  const a = await attemptLogin(db.pool, cfg, { email: "ann@x.test", password: "nope", address: "1.2.3.4", nowMs: T0 });
  const b = await attemptLogin(db.pool, cfg, { email: "bob@x.test", password: "nope", address: "1.2.3.4", nowMs: T0 });
  assert.deepEqual(a, { ok: false, reason: "invalid", message: INVALID_LOGIN });
  assert.deepEqual(b, { ok: false, reason: "invalid", message: INVALID_LOGIN });
});

test("per account from one address: the Nth failure pauses the account there, even the right password is refused there until the pause ends; from another address the member signs in", async () => {
  const from = (address: string, password: string, nowMs: number) =>
    attemptLogin(db.pool, cfg, { email: "ann@x.test", password, address, nowMs });
  for (let i = 0; i < 2; i++) assert.equal((await from("6.6.6.6", "x", T0 + i)).ok, false);
  const third = await from("6.6.6.6", "x", T0 + 2);
  assert.equal(third.ok, false);
  assert.equal(!third.ok && third.reason, "locked");
  assert.match(
    !third.ok ? third.message : "",
    /^Wrong email or password\. Too many failed sign-ins for this account\. Try again in 1 min\.$/,
  );
  const refused = await from("6.6.6.6", "right-password", T0 + 30_000);
  assert.equal(refused.ok, false);
  assert.match(!refused.ok ? refused.message : "", /Too many failed sign-ins for this account\. Try again in 31 s\./); // 30.002 s, rounded up
  // the stranger at 6.6.6.6 does not lock the member out of their own address
  assert.equal((await from("10.9.9.9", "right-password", T0 + 30_000)).ok, true);
  assert.equal((await from("6.6.6.6", "right-password", T0 + 60_003)).ok, true);
});

test("distributed guessing: failures from many addresses reach the per-account ceiling, which pauses the account for every address", async () => {
  for (let i = 0; i < 7; i++) {
    const r = await attemptLogin(db.pool, cfg, {
      email: "ann@x.test",
      password: "x",
      address: `10.0.0.${i}`,
      nowMs: T0 + i,
    });
    assert.deepEqual(r, { ok: false, reason: "invalid", message: INVALID_LOGIN }, `failure ${i + 1}`);
  }
  const eighth = await attemptLogin(db.pool, cfg, {
    email: "ann@x.test",
    password: "x",
    address: "10.0.0.7",
    nowMs: T0 + 7,
  });
  assert.equal(!eighth.ok && eighth.reason, "locked");
  const fresh = await attemptLogin(db.pool, cfg, {
    email: "ann@x.test",
    password: "right-password",
    address: "192.0.2.50",
    nowMs: T0 + 1_000,
  });
  assert.equal(fresh.ok, false);
  assert.match(!fresh.ok ? fresh.message : "", /^Too many failed sign-ins for this account\. Try again in 1 min\.$/);
  const r = await db.pool.query(
    "SELECT failures, locked_until::text FROM login_throttle WHERE key = 'account:ann@x.test'",
  );
  assert.deepEqual(r.rows, [{ failures: 8, locked_until: String(T0 + 7 + 60_000) }]);
  // other accounts are not paused by it
  await db.pool.query(
    "INSERT INTO users (id, email, role, password_hash) VALUES (gen_random_uuid(), 'bob@x.test', 'viewer', $1)",
    [await hashPassword("bob-password")],
  );
  assert.equal(
    (
      await attemptLogin(db.pool, cfg, {
        email: "bob@x.test",
        password: "bob-password",
        address: "10.0.0.1",
        nowMs: T0 + 8,
      })
    ).ok,
    true,
  );
});

test("pauses grow: each pause of a key within a day of its previous one lasts twice as long; a quiet day starts again at the lockout", async () => {
  const fail = (nowMs: number) =>
    attemptLogin(db.pool, cfg, { email: "ann@x.test", password: "x", address: "6.6.6.6", nowMs });
  const pauseAfterThree = async (t: number) => {
    await fail(t);
    await fail(t + 1);
    const r = await fail(t + 2);
    assert.equal(!r.ok && r.reason, "locked", `paused at ${t}`);
    return !r.ok ? r.retryAfterMs : undefined;
  };
  assert.equal(await pauseAfterThree(T0), 60_000);
  assert.equal(await pauseAfterThree(T0 + 2 + 60_000), 120_000);
  assert.equal(await pauseAfterThree(T0 + 4 + 180_000), 240_000);
  // a day after the last pause ended: back to the lockout
  assert.equal(await pauseAfterThree(T0 + 6 + 420_000 + 86_400_000), 60_000);
});

test("IPv6 clients are counted by their /64", async () => {
  assert.equal(throttleAddress("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  assert.equal(throttleAddress("2001:DB8:0001:0002::1"), "2001:db8:1:2::/64");
  assert.equal(throttleAddress("[2001:db8::1]"), "2001:db8:0:0::/64");
  assert.equal(throttleAddress("fe80::1%eth0"), "fe80:0:0:0::/64");
  assert.equal(throttleAddress("::ffff:192.0.2.7"), "192.0.2.7");
  assert.equal(throttleAddress("::1"), "0:0:0:0::/64");
  assert.equal(throttleAddress("64:ff9b::192.0.2.1"), "64:ff9b:0:0::/64");
  assert.equal(throttleAddress(" 192.0.2.7 "), "192.0.2.7");
  assert.equal(throttleAddress("unknown"), "unknown");
  for (let i = 0; i < 3; i++)
    await attemptLogin(db.pool, cfg, {
      email: "ann@x.test",
      password: "x",
      address: `2001:db8:1:2::${i + 1}`,
      nowMs: T0 + i,
    });
  const same64 = await attemptLogin(db.pool, cfg, {
    email: "ann@x.test",
    password: "right-password",
    address: "2001:db8:1:2:ffff:ffff:ffff:ffff",
    nowMs: T0 + 10,
  });
  assert.equal(!same64.ok && same64.reason, "locked");
  const other64 = await attemptLogin(db.pool, cfg, {
    email: "ann@x.test",
    password: "right-password",
    address: "2001:db8:1:3::1",
    nowMs: T0 + 10,
  });
  assert.equal(other64.ok, true);
});

test("100 concurrent guesses for one account from one address: at most the limit are verified, and the right password among them is refused", async () => {
  let verifications = 0;
  const verify = async (stored: string, pw: string) => {
    verifications++;
    return verifyPassword(stored, pw);
  };
  const guesses = Array.from({ length: 100 }, (_, i) => (i === 99 ? "right-password" : `wrong-${i}`));
  const results = await Promise.all(
    guesses.map((password) =>
      attemptLogin(db.pool, cfg, { email: "ann@x.test", password, address: "6.6.6.6", nowMs: T0 }, { verify }),
    ),
  );
  assert.ok(verifications <= cfg.maxFailuresPerAccountAddress, `${verifications} verifications`);
  assert.equal(results[99].ok, false, "the right password, sent among the guesses, is refused");
  assert.equal(results.filter((r) => r.ok).length, 0);
  const pair = await db.pool.query("SELECT failures FROM login_throttle WHERE key = 'pair:ann@x.test from 6.6.6.6'");
  assert.deepEqual(pair.rows, [{ failures: verifications }]);
});

test("100 concurrent guesses from 100 addresses: at most the per-account ceiling are verified", async () => {
  let verifications = 0;
  const verify = async (stored: string, pw: string) => {
    verifications++;
    return verifyPassword(stored, pw);
  };
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      attemptLogin(
        db.pool,
        cfg,
        { email: "ann@x.test", password: `w${i}`, address: `10.1.${i}.1`, nowMs: T0 },
        { verify },
      ),
    ),
  );
  assert.ok(verifications <= cfg.maxFailuresPerAccount, `${verifications} verifications`);
  assert.ok(results.filter((r) => !r.ok && r.reason === "locked").length >= 100 - cfg.maxFailuresPerAccount);
});

test("password verifications in flight are bounded; the excess waits, then is refused as busy and not counted", async () => {
  const big: ConsoleSettings = {
    ...cfg,
    maxFailuresPerAccountAddress: 1000,
    maxFailuresPerAddress: 1000,
    maxFailuresPerAccount: 1000,
  };
  let running = 0;
  let most = 0;
  const slow = async () => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, MAX_WAIT_MS / 2));
    running--;
    return false;
  };
  const n = MAX_IN_FLIGHT + MAX_WAITING + 10;
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      attemptLogin(
        db.pool,
        big,
        { email: `u${i}@x.test`, password: "x", address: "6.6.6.6", nowMs: T0 },
        { verify: slow },
      ),
    ),
  );
  assert.equal(most, MAX_IN_FLIGHT);
  const busy = results.filter((r) => !r.ok && r.reason === "busy");
  const verified = results.filter((r) => !r.ok && r.reason === "invalid");
  assert.ok(busy.length >= 10, `${busy.length} refused as busy`);
  assert.equal(busy.length + verified.length, n);
  assert.deepEqual(busy[0], { ok: false, reason: "busy", message: BUSY_LOGIN, retryAfterMs: MAX_WAIT_MS });
  // only verified attempts stay counted against the address
  const addr = await db.pool.query("SELECT failures FROM login_throttle WHERE key = 'address:6.6.6.6'");
  assert.deepEqual(addr.rows, [{ failures: verified.length }]);
  assert.deepEqual(verifySlotUse(), { active: 0, waiting: 0 });
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
  assert.deepEqual(await principalForSession(db.pool, userId, 0), {
    userId,
    email: "ann@x.test",
    role: "operator",
    via: "console",
  });
  await db.pool.query("UPDATE users SET role = 'viewer' WHERE id = $1", [userId]);
  assert.equal((await principalForSession(db.pool, userId, 0))?.role, "viewer");
  await db.pool.query("DELETE FROM users WHERE id = $1", [userId]);
  assert.equal(await principalForSession(db.pool, userId, 0), null);
  assert.equal(await principalForSession(db.pool, "not-a-uuid", 0), null);
});

test("session principal: a session of an older session version is refused; sign-in hands out the current one", async () => {
  const ok = await attemptLogin(db.pool, cfg, { email: "ann@x.test", password: "right-password", address: "1.2.3.4" });
  assert.ok(ok.ok);
  assert.equal(ok.user.sessionVersion, 0);
  await db.pool.query("UPDATE users SET session_version = session_version + 1 WHERE id = $1", [userId]);
  assert.equal(await principalForSession(db.pool, userId, 0), null);
  assert.equal((await principalForSession(db.pool, userId, 1))?.email, "ann@x.test");
  const again = await attemptLogin(db.pool, cfg, {
    email: "ann@x.test",
    password: "right-password",
    address: "1.2.3.4",
  });
  assert.ok(again.ok);
  assert.equal(again.user.sessionVersion, 1);
});

test("console settings: defaults and validation", () => {
  assert.deepEqual(loadConsoleConfig({}), {
    sessionMaxAgeSec: 43_200,
    maxFailuresPerAccountAddress: 5,
    maxFailuresPerAddress: 50,
    maxFailuresPerAccount: 100,
    lockoutMs: 900_000,
  });
  assert.equal(loadConsoleConfig({ FEDCONSOLE_SESSION_MAX_AGE: "30m" }).sessionMaxAgeSec, 1800);
  assert.throws(() => loadConsoleConfig({ FEDCONSOLE_SESSION_MAX_AGE: "5s" }), /at least 60 s/);
  assert.throws(() => loadConsoleConfig({ FEDCONSOLE_LOGIN_MAX_FAILURES: "0" }), /integer >= 1/);
  assert.equal(loadConsoleConfig({ FEDCONSOLE_LOGIN_MAX_FAILURES_PER_ACCOUNT: "20" }).maxFailuresPerAccount, 20);
});
