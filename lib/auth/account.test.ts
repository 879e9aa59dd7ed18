// Own password, sign out everywhere, admin-set passwords and the first-run setup, against a
// real PostgreSQL: each change raises the session version, and setup works exactly once.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { AppError } from "../errors";
import type { ConsoleSettings } from "../settings/settings";
import { changeOwnPassword, setMemberPassword, signOutEverywhere, WRONG_CURRENT_PASSWORD } from "./account";
import { ALREADY_SET_UP, issueSetupCode, setupFirstAdmin } from "./first-run";
import { hashPassword, verifyPassword } from "./passwords";
import type { Principal } from "./principal";
import { principalForSession } from "./session-principal";

let db: TestDatabase;
let ann: Principal;
const admin: Principal = { userId: null, email: "boss@x.test", role: "admin", via: "console" };
const cfg: ConsoleSettings = {
  sessionMaxAgeSec: 3600,
  maxFailuresPerAccountAddress: 2,
  maxFailuresPerAddress: 50,
  maxFailuresPerAccount: 50,
  lockoutMs: 60_000,
};
const isCode = (code: string) => (e: unknown) => e instanceof AppError && e.code === code;

before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE users, login_throttle, audit_events, app_secrets CASCADE");
  const r = await db.pool.query(
    "INSERT INTO users (id, email, role, password_hash) VALUES (gen_random_uuid(), 'ann@x.test', 'viewer', $1) RETURNING id",
    [await hashPassword("old-password")],
  );
  ann = { userId: r.rows[0].id, email: "ann@x.test", role: "viewer", via: "console" };
});

const stored = async () =>
  (
    await db.pool.query<{ password_hash: string; session_version: number }>(
      "SELECT password_hash, session_version FROM users WHERE email = 'ann@x.test'",
    )
  ).rows[0];

test("own password: needs the current one (counted by the sign-in throttle); the change ends older sessions", async () => {
  const input = { current: "wrong-password", next: "new-password-1", address: "10.0.0.1" };
  await assert.rejects(
    changeOwnPassword(db.pool, cfg, ann, input),
    (e) => isCode("forbidden")(e) && (e as Error).message === WRONG_CURRENT_PASSWORD,
  );
  await assert.rejects(changeOwnPassword(db.pool, cfg, ann, { ...input, next: "short" }), isCode("invalid_param"));
  // The second wrong password pauses the account for this address (maxFailuresPerAccountAddress 2).
  await assert.rejects(
    changeOwnPassword(db.pool, cfg, ann, input),
    (e) => isCode("rate_limited")(e) && /^The current password is wrong.*Too many failed/.test((e as Error).message),
  );
  await assert.rejects(
    changeOwnPassword(db.pool, cfg, ann, { ...input, current: "old-password" }),
    isCode("rate_limited"),
  );
  const r = await changeOwnPassword(db.pool, cfg, ann, { ...input, current: "old-password", address: "10.0.0.2" });
  assert.equal(r.sessionVersion, 1);
  const after = await stored();
  assert.equal(after.session_version, 1);
  assert.equal(await verifyPassword(after.password_hash, "new-password-1"), true);
  assert.equal(await principalForSession(db.pool, ann.userId!, 0), null);
  assert.equal((await principalForSession(db.pool, ann.userId!, 1))?.email, "ann@x.test");
  const audit = (await db.pool.query("SELECT action, detail FROM audit_events")).rows;
  assert.deepEqual(audit, [{ action: "user.set_password", detail: { email: "ann@x.test", by: "self" } }]);
});

test("sign out everywhere and an admin-set password both end the member's sessions", async () => {
  await signOutEverywhere(db.pool, ann);
  assert.equal((await stored()).session_version, 1);
  await assert.rejects(setMemberPassword(db.pool, ann, "ann@x.test", "whatever-123"), isCode("forbidden"));
  await assert.rejects(setMemberPassword(db.pool, admin, "nobody@x.test", "whatever-123"), isCode("not_found"));
  await assert.rejects(
    setMemberPassword(db.pool, { ...admin, email: "ann@x.test" }, "ann@x.test", "whatever-123"),
    isCode("invalid_param"),
  );
  const set = await setMemberPassword(db.pool, admin, "Ann@X.test", "");
  assert.equal(set.email, "ann@x.test");
  assert.ok(set.generatedPassword && set.generatedPassword.length >= 16);
  const s = await stored();
  assert.equal(s.session_version, 2);
  assert.equal(await verifyPassword(s.password_hash, set.generatedPassword), true);
  const audit = (await db.pool.query("SELECT action, detail FROM audit_events ORDER BY id")).rows;
  assert.deepEqual(
    audit.map((a) => a.action),
    ["user.sign_out_everywhere", "user.set_password"],
  );
  assert.equal(audit[1].detail.by, "admin");
});

test("first-run setup: a code only while no user exists; from elsewhere it needs a valid code; works once", async () => {
  assert.equal(await issueSetupCode(db.pool), null); // ann exists
  await db.pool.query("TRUNCATE users CASCADE");
  const code = await issueSetupCode(db.pool);
  assert.match(code ?? "", /^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
  const input = { email: "first@x.test", password: "first-password", code: "", local: false };
  await assert.rejects(setupFirstAdmin(db.pool, input), isCode("forbidden"));
  await assert.rejects(setupFirstAdmin(db.pool, { ...input, code: "AAAA-BBBB-CCCC-DDDD" }), isCode("forbidden"));
  // Two at once (one with the code, typed in lower case, one from loopback): exactly one admin.
  const results = await Promise.allSettled([
    setupFirstAdmin(db.pool, { ...input, code: code!.toLowerCase() }),
    setupFirstAdmin(db.pool, { ...input, email: "second@x.test", local: true }),
  ]);
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
  assert.equal(refused.reason.message, ALREADY_SET_UP);
  const users = (await db.pool.query("SELECT email, role FROM users")).rows;
  assert.equal(users.length, 1);
  assert.equal(users[0].role, "admin");
  // Never again, with the code or from loopback; the codes are gone.
  await assert.rejects(setupFirstAdmin(db.pool, { ...input, code: code!, email: "x@x.test" }), isCode("conflict"));
  await assert.rejects(setupFirstAdmin(db.pool, { ...input, local: true, email: "y@x.test" }), isCode("conflict"));
  assert.equal(
    (await db.pool.query("SELECT count(*)::int AS n FROM app_secrets WHERE name LIKE 'setup_code:%'")).rows[0].n,
    0,
  );
  const audit = (await db.pool.query("SELECT action, actor, detail FROM audit_events")).rows;
  assert.equal(audit.length, 1);
  assert.equal(audit[0].action, "user.first_admin");
  assert.equal(audit[0].actor, users[0].email);
});
