// Matrix password login, the request side (no database): who the login user is, Synapse's
// 400s for malformed bodies, the token's name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "../errors";
import { toMatrixError } from "../http/matrix-errors";
import { parseJsonObject } from "./json-body";
import { emailOfLoginUser, loginTokenName, parseLoginRequest } from "./password-login";

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
  const a = parseLoginRequest(
    {
      type: "m.login.password",
      identifier: { type: "m.id.user", user: "alice@example.org" },
      password: "pw",
      initial_device_display_name: "Ketesa",
    },
    HS,
  );
  assert.deepEqual(a, {
    email: "alice@example.org",
    account: "alice@example.org",
    password: "pw",
    deviceLabel: "Ketesa",
  });
  const b = parseLoginRequest(
    { type: "m.login.password", user: "@alice=40example.org:e2e.test", password: "pw", device_id: "DEV1" },
    HS,
  );
  assert.deepEqual(b, {
    email: "alice@example.org",
    account: "alice@example.org",
    password: "pw",
    deviceLabel: "DEV1",
  });
  const c = parseLoginRequest(
    {
      type: "m.login.password",
      identifier: { type: "m.id.thirdparty", medium: "email", address: "Alice@example.org" },
      password: "pw",
    },
    HS,
  );
  assert.equal(c.email, "alice@example.org");
  assert.equal(c.deviceLabel, null);
});

test("an identifier naming nobody still parses: the failure is the generic 403 later", () => {
  const r = parseLoginRequest(
    { type: "m.login.password", identifier: { type: "m.id.user", user: "@Bob:other.test" }, password: "x" },
    HS,
  );
  assert.equal(r.email, null);
  assert.equal(r.account, "@bob:other.test");
  const m = parseLoginRequest(
    {
      type: "m.login.password",
      identifier: { type: "m.id.thirdparty", medium: "msisdn", address: "123" },
      password: "x",
    },
    HS,
  );
  assert.equal(m.email, null);
});

test("malformed login bodies → Synapse's 400s", () => {
  assert.deepEqual(
    matrixError(() => parseJsonObject("not json")),
    { status: 400, errcode: "M_NOT_JSON", error: "Content not JSON." },
  );
  assert.deepEqual(
    matrixError(() => parseJsonObject("")),
    { status: 400, errcode: "M_NOT_JSON", error: "Content not JSON." },
  );
  assert.deepEqual(
    matrixError(() => parseJsonObject("[1]")),
    { status: 400, errcode: "M_BAD_JSON", error: "Content must be a JSON object." },
  );
  assert.equal(matrixError(() => parseLoginRequest({ type: "m.login.token", token: "x" }, HS)).errcode, "M_UNKNOWN");
  assert.equal(
    matrixError(() => parseLoginRequest({ type: "m.login.password", password: "x" }, HS)).errcode,
    "M_MISSING_PARAM",
  );
  assert.equal(
    matrixError(() =>
      parseLoginRequest({ type: "m.login.password", identifier: { type: "m.id.user" }, password: "x" }, HS),
    ).errcode,
    "M_MISSING_PARAM",
  );
  assert.equal(
    matrixError(() =>
      parseLoginRequest({ type: "m.login.password", identifier: { type: "m.id.phone" }, password: "x" }, HS),
    ).errcode,
    "M_UNKNOWN",
  );
  assert.equal(
    matrixError(() => parseLoginRequest({ type: "m.login.password", identifier: "alice", password: "x" }, HS)).errcode,
    "M_BAD_JSON",
  );
  assert.deepEqual(
    matrixError(() => parseLoginRequest({ type: "m.login.password", user: "a@b.c", password: 5 }, HS)),
    { status: 400, errcode: "M_INVALID_PARAM", error: "Bad parameter: password" },
  );
});

test("token names: 'Matrix login (<device>)', control characters removed, at most 100 characters", () => {
  assert.equal(loginTokenName("Ketesa"), "Matrix login (Ketesa)");
  assert.equal(loginTokenName(null), "Matrix login (unknown device)");
  const label = parseLoginRequest(
    {
      type: "m.login.password",
      user: "a@b.c",
      password: "x",
      initial_device_display_name: "  Synapse\nAdmin\t ",
      device_id: "D",
    },
    HS,
  ).deviceLabel;
  assert.equal(label, "Synapse Admin");
  const long = loginTokenName("x".repeat(500));
  assert.equal(long.length, 100);
  assert.match(long, /^Matrix login \(x+…\)$/);
  // a blank display name falls back to the device id
  assert.equal(
    parseLoginRequest(
      { type: "m.login.password", user: "a@b.c", password: "x", initial_device_display_name: " ", device_id: "DEV" },
      HS,
    ).deviceLabel,
    "DEV",
  );
});
