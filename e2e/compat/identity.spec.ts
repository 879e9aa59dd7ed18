// Ketesa's "Access token" login: whoami with the bearer token, then the profile of that user.
import { test, expect, tokens } from "../support/fixtures";
import { raw } from "../api/helpers";
import {
  MISSING_TOKEN,
  ROLE_EMAILS,
  UNKNOWN_TOKEN,
  expectCors,
  expectMatrixError,
  mxid,
  storedPrefix,
} from "./compat-helpers";

test.describe("whoami", () => {
  test("each role's token → {user_id '@<localpart>:e2e.test', is_guest false, device_id = the token's prefix}", async () => {
    expect(mxid(ROLE_EMAILS.admin)).toBe("@admin=40e2e.test:e2e.test"); // the README's example mapping
    for (const role of ["admin", "operator", "viewer"] as const) {
      for (const v of ["v3", "r0"]) {
        const res = await raw("GET", `/_matrix/client/${v}/account/whoami`, {
          headers: { Accept: "application/json", Authorization: `Bearer ${tokens()[role]}` },
        });
        expect(res.status, `${role} ${v}`).toBe(200);
        expectCors(res);
        const body = res.json();
        expect(body).toEqual({
          user_id: mxid(ROLE_EMAILS[role]),
          is_guest: false,
          device_id: await storedPrefix(tokens()[role]),
        });
        // what Ketesa does with it: everything after the first ':' is the homeserver
        const parts = body.user_id.split(":");
        parts.shift();
        expect(parts.join(":")).toBe("e2e.test");
      }
    }
  });

  test("no token → 401 M_MISSING_TOKEN; unknown token → 401 M_UNKNOWN_TOKEN (JSON, so the UI logs out cleanly)", async () => {
    for (const v of ["v3", "r0"]) {
      expectMatrixError(await raw("GET", `/_matrix/client/${v}/account/whoami`), 401, MISSING_TOKEN);
      expectMatrixError(
        await raw("GET", `/_matrix/client/${v}/account/whoami`, {
          headers: { Authorization: "Bearer fct_not-a-real-token" },
        }),
        401,
        UNKNOWN_TOKEN,
      );
    }
  });
});

test.describe("profile", () => {
  test("GET /_matrix/client/v3/profile/<user_id> (raw, as Ketesa sends it) → {displayname: e-mail}", async () => {
    const res = await raw("GET", `/_matrix/client/v3/profile/${mxid(ROLE_EMAILS.admin)}`, {
      headers: { Accept: "application/json", Authorization: `Bearer ${tokens().admin}` },
    });
    expect(res.status, res.text).toBe(200);
    expectCors(res);
    expect(res.json()).toEqual({ displayname: "admin@e2e.test" });
  });

  test("percent-encoded ids and the r0 path; non-admins read only their own profile, and another member's answers as an unknown one's", async () => {
    const notFound = { errcode: "M_NOT_FOUND", error: "Profile was not found" };
    const enc = await raw("GET", `/_matrix/client/r0/profile/${encodeURIComponent(mxid(ROLE_EMAILS.viewer))}`, {
      role: "admin",
    });
    expect(enc.status).toBe(200);
    expect(enc.json()).toEqual({ displayname: "viewer@e2e.test" });
    for (const role of ["viewer", "operator"] as const) {
      const own = await raw("GET", `/_matrix/client/r0/profile/${encodeURIComponent(mxid(ROLE_EMAILS[role]))}`, {
        role,
      });
      expect(own.status, role).toBe(200);
      expect(own.json()).toEqual({ displayname: ROLE_EMAILS[role] });
      for (const other of [
        ROLE_EMAILS.admin,
        role === "viewer" ? ROLE_EMAILS.operator : ROLE_EMAILS.viewer,
        "nobody@e2e.test",
      ])
        expectMatrixError(
          await raw("GET", `/_matrix/client/v3/profile/${mxid(other)}`, { role }),
          404,
          notFound,
          `${role} → ${other}`,
        );
    }
  });

  test("unknown users, other servers, non-mapped ids → 404 M_NOT_FOUND; no token → 401", async () => {
    const notFound = { errcode: "M_NOT_FOUND", error: "Profile was not found" };
    for (const id of [
      mxid("nobody@e2e.test"),
      "@admin=40e2e.test:elsewhere.test",
      "@admin:e2e.test",
      "not-a-user-id",
    ]) {
      expectMatrixError(
        await raw("GET", `/_matrix/client/v3/profile/${encodeURIComponent(id)}`, { role: "admin" }),
        404,
        notFound,
        id,
      );
    }
    expectMatrixError(await raw("GET", `/_matrix/client/v3/profile/${mxid(ROLE_EMAILS.admin)}`), 401, MISSING_TOKEN);
  });
});
