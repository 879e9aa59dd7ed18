// Password login (POST /_matrix/client/{v3,r0}/login): how synapse-admin (which has no token
// login) and Ketesa's password form get a token from a team member's e-mail and password.
import { test, expect, db, testEnv, FED, seed } from "../support/fixtures";
import { fedctl } from "../support/server";
import { raw } from "../api/helpers";
import {
  INVALID_LOGIN,
  UNKNOWN_TOKEN,
  addMember,
  expectCors,
  expectMatrixError,
  ketesaLogin,
  mxid,
  storedPrefix,
  uniqueEmail,
} from "./compat-helpers";

const PASSWORD = "compat-password-1";

async function tokenRows(email: string) {
  const r = await db().query(
    "SELECT t.name, t.prefix, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = $1 ORDER BY t.created_at",
    [email],
  );
  return r.rows as { name: string; prefix: string; revoked_at: Date | null }[];
}

test.describe("password login", () => {
  test("Ketesa's request → 200 {access_token, user_id, home_server, device_id}; the token works and is a listed, audited, revocable team token", async () => {
    const email = uniqueEmail("ketesa");
    await addMember(email, "operator", PASSWORD);
    const res = await ketesaLogin(email, PASSWORD);
    expect(res.status, res.text).toBe(200);
    expectCors(res);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(["access_token", "device_id", "home_server", "user_id"]);
    expect(body.user_id).toBe(mxid(email));
    expect(body.home_server).toBe("e2e.test");
    expect(typeof body.access_token).toBe("string");
    expect(body.device_id).toBe(await storedPrefix(body.access_token));

    // the token is the member's own: whoami agrees, and the operator role applies
    const auth = { Authorization: `Bearer ${body.access_token}` };
    expect((await raw("GET", "/_matrix/client/v3/account/whoami", { headers: auth })).json()).toEqual({
      user_id: mxid(email),
      is_guest: false,
      device_id: body.device_id,
    });
    await seed([{ destination: "login.example", retry_last_ts: 5, retry_interval: 5, failure_ts: 5 }]);
    expect((await raw("GET", FED, { headers: auth })).json().total).toBe(1);
    expect((await raw("POST", `${FED}/login.example/reset_connection`, { headers: auth })).json()).toEqual({});

    // listed among the member's tokens under the device's name, and audited as token.create
    expect(await tokenRows(email)).toEqual([
      { name: "Matrix login (Ketesa)", prefix: body.device_id, revoked_at: null },
    ]);
    const listed = await fedctl(["tokens", "list"], testEnv());
    expect(listed.stdout).toContain(`${body.device_id}…\t${email}\tMatrix login (Ketesa)\t`);
    const audit = await db().query(
      "SELECT actor, via, detail FROM audit_events WHERE action = 'token.create' AND actor = $1",
      [email],
    );
    expect(audit.rows).toEqual([
      { actor: email, via: "api", detail: { owner: email, name: "Matrix login (Ketesa)", prefix: body.device_id } },
    ]);

    // revoked there → the UI's next call gets 401 M_UNKNOWN_TOKEN
    const revoke = await fedctl(["tokens", "revoke", body.device_id], testEnv());
    expect(revoke.code, revoke.stderr).toBe(0);
    expectMatrixError(await raw("GET", "/_matrix/client/v3/account/whoami", { headers: auth }), 401, UNKNOWN_TOKEN);
    expectMatrixError(await raw("GET", FED, { headers: auth }), 401, UNKNOWN_TOKEN);
  });

  test("synapse-admin's request on the r0 path, with the Matrix-style id as user, and without Content-Type", async () => {
    const email = uniqueEmail("sa+tag");
    await addMember(email, "viewer", PASSWORD);
    const res = await raw("POST", "/_matrix/client/r0/login", {
      body: JSON.stringify({
        device_id: null,
        initial_device_display_name: "Synapse Admin",
        type: "m.login.password",
        identifier: { type: "m.id.user", user: mxid(email) },
        password: PASSWORD,
      }),
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json()).toMatchObject({ user_id: mxid(email), home_server: "e2e.test" });
    expect(mxid(email)).toMatch(/^@sa=2btag-[0-9a-f]{8}=40compat\.e2e\.test:e2e\.test$/); // '+' and '@' escaped
    expect((await tokenRows(email)).map((t) => t.name)).toEqual(["Matrix login (Synapse Admin)"]);
  });

  test("the legacy user field, the bare localpart, and an m.id.thirdparty e-mail identifier also log in", async () => {
    const email = uniqueEmail("legacy");
    await addMember(email, "viewer", PASSWORD);
    const localpart = mxid(email).slice(1, mxid(email).indexOf(":"));
    const bodies = [
      { type: "m.login.password", user: email.toUpperCase(), password: PASSWORD, device_id: "DEVICE1" },
      { type: "m.login.password", identifier: { type: "m.id.user", user: localpart }, password: PASSWORD },
      {
        type: "m.login.password",
        identifier: { type: "m.id.thirdparty", medium: "email", address: email },
        password: PASSWORD,
      },
    ];
    for (const b of bodies) {
      const res = await raw("POST", "/_matrix/client/v3/login", {
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(b),
      });
      expect(res.status, `${JSON.stringify(b)} ${res.text}`).toBe(200);
      expect(res.json().user_id).toBe(mxid(email));
    }
    expect((await tokenRows(email)).map((t) => t.name)).toEqual([
      "Matrix login (DEVICE1)",
      "Matrix login (unknown device)",
      "Matrix login (unknown device)",
    ]);
  });

  test("wrong password, unknown account, another server's id → the same 403 M_FORBIDDEN, and no token is made", async () => {
    const email = uniqueEmail("wrong");
    await addMember(email, "viewer", PASSWORD);
    for (const [user, pw] of [
      [email, "not-the-password"],
      [uniqueEmail("ghost"), PASSWORD],
      [mxid(email).replace(":e2e.test", ":matrix.org"), PASSWORD],
      ["admin", PASSWORD],
    ]) {
      expectMatrixError(await ketesaLogin(user, pw), 403, INVALID_LOGIN, user);
    }
    expect(await tokenRows(email)).toEqual([]);
  });

  test("malformed requests → 400 JSON errors", async () => {
    const post = (body: string) =>
      raw("POST", "/_matrix/client/v3/login", { headers: { "Content-Type": "application/json" }, body });
    expectMatrixError(await post("{not json"), 400, { errcode: "M_NOT_JSON", error: "Content not JSON." });
    expectMatrixError(await raw("POST", "/_matrix/client/v3/login"), 400, {
      errcode: "M_NOT_JSON",
      error: "Content not JSON.",
    });
    expectMatrixError(await post("[]"), 400, { errcode: "M_BAD_JSON", error: "Content must be a JSON object." });
    const token = await post(JSON.stringify({ type: "m.login.token", token: "abc" }));
    expect(token.status).toBe(400);
    expect(token.json().errcode).toBe("M_UNKNOWN");
    expect((await post(JSON.stringify({ type: "m.login.password", password: "x" }))).json().errcode).toBe(
      "M_MISSING_PARAM",
    );
    expectMatrixError(await post(JSON.stringify({ type: "m.login.password", user: "a@b.c", password: 1 })), 400, {
      errcode: "M_INVALID_PARAM",
      error: "Bad parameter: password",
    });
  });

  test("throttled per account from one address like console sign-in (FEDCONSOLE_LOGIN_MAX_FAILURES = 5): the 5th failure and then even the right password → 429 M_LIMIT_EXCEEDED with retry_after_ms; other accounts unaffected", async () => {
    const email = uniqueEmail("limited");
    const other = uniqueEmail("unlimited");
    await addMember(email, "viewer", PASSWORD);
    await addMember(other, "viewer", PASSWORD);
    for (let i = 0; i < 4; i++)
      expectMatrixError(await ketesaLogin(email, `wrong-${i}`), 403, INVALID_LOGIN, `attempt ${i + 1}`);
    const fifth = await ketesaLogin(email, "wrong-4");
    expect(fifth.status, fifth.text).toBe(429);
    expect(fifth.json().retry_after_ms).toBe(15 * 60_000);
    for (const user of [email, mxid(email)]) {
      const res = await ketesaLogin(user, PASSWORD);
      expect(res.status, res.text).toBe(429);
      expectCors(res);
      const body = res.json();
      expect(Object.keys(body).sort()).toEqual(["errcode", "error", "retry_after_ms"]);
      expect(body.errcode).toBe("M_LIMIT_EXCEEDED");
      expect(body.error).toMatch(/^Too many failed sign-ins for this account\. Try again in /);
      expect(body.retry_after_ms).toBeGreaterThan(14 * 60_000);
      expect(body.retry_after_ms).toBeLessThanOrEqual(15 * 60_000);
    }
    // the count is console sign-in's own (table login_throttle): the account from this address
    // is paused; the account's ceiling over all addresses (FEDCONSOLE_LOGIN_MAX_FAILURES_PER_ACCOUNT) is not reached
    const row = await db().query(
      "SELECT key, failures, locked_until IS NOT NULL AS locked FROM login_throttle WHERE key IN ($1, $2) ORDER BY key",
      [`pair:${email} from 127.0.0.1`, `account:${email}`],
    );
    expect(row.rows).toEqual([
      { key: `account:${email}`, failures: 5, locked: false },
      { key: `pair:${email} from 127.0.0.1`, failures: 5, locked: true },
    ]);
    expect(await tokenRows(email)).toEqual([]);
    expect((await ketesaLogin(other, PASSWORD)).status).toBe(200);
  });

  test("per client address: a client's X-Forwarded-For / X-Real-IP are not trusted (no FEDCONSOLE_TRUST_PROXY): failures count against the connection's address", async () => {
    const email = uniqueEmail("addr");
    await addMember(email, "viewer", PASSWORD);
    const spoofed = (i: number) => ({
      "X-Forwarded-For": `198.51.100.7, 203.0.113.${i}`,
      "X-Real-IP": `203.0.113.${i}`,
    });
    const addressRows = async () =>
      (
        await db().query(
          "SELECT key, failures, locked_until > $1::bigint AS locked FROM login_throttle WHERE key LIKE 'address:%' ORDER BY key",
          [Date.now()],
        )
      ).rows as { key: string; failures: number; locked: boolean | null }[];
    let socketKey: string | undefined;
    try {
      // Spraying failures over many accounts, each "from" another forged address, pauses the
      // one real address (127.0.0.1) once it reaches FEDCONSOLE_LOGIN_MAX_FAILURES_PER_ADDRESS.
      let refused = 0;
      for (let i = 0; i < 60 && refused === 0; i++) {
        const res = await ketesaLogin(uniqueEmail("spray"), PASSWORD, undefined, spoofed(i));
        if (res.status === 429) refused = i + 1;
        else expectMatrixError(res, 403, INVALID_LOGIN, `spray ${i + 1}`);
      }
      expect(refused, "the address was paused within 50 failures").toBeGreaterThan(0);
      const rows = await addressRows();
      expect(rows.filter((r) => /203\.0\.113\.|198\.51\.100\./.test(r.key))).toEqual([]);
      const locked = rows.filter((r) => r.locked);
      expect(locked.map((r) => r.key)).toEqual(["address:127.0.0.1"]);
      socketKey = locked[0].key;
      expect(locked[0].failures).toBe(50);

      // forging another address does not get around the pause, for any account
      const blocked = await ketesaLogin(email, PASSWORD, undefined, spoofed(200));
      expect(blocked.status, blocked.text).toBe(429);
      expect(blocked.json().errcode).toBe("M_LIMIT_EXCEEDED");
      expect(blocked.json().error).toMatch(/^Too many failed sign-ins from your address\./);
    } finally {
      // lift the pause on the test run's own address, so later tests can still sign in
      await db().query("DELETE FROM login_throttle WHERE key = $1", [socketKey ?? "address:127.0.0.1"]);
    }
    expect((await ketesaLogin(email, PASSWORD)).status).toBe(200);
  });

  test("logout revokes a token that password login made (audited); a pasted team token keeps working", async () => {
    const email = uniqueEmail("logout");
    await addMember(email, "viewer", PASSWORD);
    for (const v of ["v3", "r0"]) {
      const login = (await ketesaLogin(email, PASSWORD, `/_matrix/client/${v}/login`)).json();
      const auth = { Authorization: `Bearer ${login.access_token}` };
      const out = await raw("POST", `/_matrix/client/${v}/logout`, {
        headers: { ...auth, Accept: "application/json", "Content-Type": "application/json" },
      });
      expect(out.status, out.text).toBe(200);
      expectCors(out);
      expect(out.json()).toEqual({});
      expectMatrixError(await raw("GET", "/_matrix/client/v3/account/whoami", { headers: auth }), 401, UNKNOWN_TOKEN);
      expectMatrixError(await raw("POST", `/_matrix/client/${v}/logout`, { headers: auth }), 401, UNKNOWN_TOKEN);
    }
    const rows = await tokenRows(email);
    expect(rows.map((r) => [r.name, r.revoked_at !== null])).toEqual([
      ["Matrix login (Ketesa)", true],
      ["Matrix login (Ketesa)", true],
    ]);
    const audit = await db().query(
      "SELECT count(*)::int AS n FROM audit_events WHERE action = 'token.revoke' AND actor = $1",
      [email],
    );
    expect(audit.rows[0].n).toBe(2);

    // Ketesa's "Access token" login with a team token, then Logout: the token is not revoked
    const created = await fedctl(["tokens", "create", email, "--name", "shared with scripts"], testEnv());
    const team = { Authorization: `Bearer ${created.stdout.trim()}` };
    expect((await raw("POST", "/_matrix/client/v3/logout", { headers: team })).json()).toEqual({});
    expect((await raw("GET", "/_matrix/client/v3/account/whoami", { headers: team })).json().user_id).toBe(mxid(email));
    expectMatrixError(await raw("POST", "/_matrix/client/v3/logout"), 401, {
      errcode: "M_MISSING_TOKEN",
      error: "Missing access token",
    });
  });
});
