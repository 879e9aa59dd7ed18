// The user list Ketesa / synapse-admin land on after login: the team as Synapse users.
import { test, expect, tokens, db } from "../support/fixtures";
import { cmpBytes, raw } from "../api/helpers";
import { MISSING_TOKEN, expectCors, expectMatrixError, mxid } from "./compat-helpers";

type Member = { email: string; role: string; created: number; lastSeen: number | null };

async function team(): Promise<Member[]> {
  const r = await db().query(
    `SELECT u.email, u.role::text AS role, (extract(epoch FROM u.created_at) * 1000)::bigint::text AS created,
            (SELECT (extract(epoch FROM max(t.last_used_at)) * 1000)::bigint::text FROM api_tokens t WHERE t.user_id = u.id) AS last_seen
       FROM users u`,
  );
  return r.rows.map((x) => ({
    email: x.email,
    role: x.role,
    created: Number(x.created),
    lastSeen: x.last_seen === null ? null : Number(x.last_seen),
  }));
}

/** Synapse's list item for a member (README: admin from role, never guest/deactivated/locked). */
function item(m: Member, lastSeen: number | null) {
  return {
    name: mxid(m.email),
    user_type: null,
    is_guest: false,
    admin: m.role === "admin",
    deactivated: false,
    shadow_banned: false,
    displayname: m.email,
    avatar_url: null,
    creation_ts: m.created,
    erased: false,
    last_seen_ts: lastSeen,
    locked: false,
  };
}

const byName = (a: Member, b: Member) => cmpBytes(mxid(a.email), mxid(b.email));

test.describe("GET /_synapse/admin/{v3,v2}/users", () => {
  test("Ketesa's landing query → every team member in Synapse's list shape, sorted by name, with total", async () => {
    for (const v of ["v3", "v2"]) {
      const before = await team();
      const res = await raw("GET", `/_synapse/admin/${v}/users?from=0&limit=50&order_by=name&dir=f`, {
        role: "admin",
        headers: { Accept: "application/json" },
      });
      const after = await team();
      expect(res.status, res.text).toBe(200);
      expectCors(res);
      const body = res.json();
      const expected = [...before].sort(byName);
      expect(body.total).toBe(expected.length);
      expect(body.next_token).toBeUndefined();
      expect(body.users.map((u: { name: string }) => u.name)).toEqual(expected.map((m) => mxid(m.email)));
      for (const [i, m] of expected.entries()) {
        const got = body.users[i];
        // last use of a token is recorded in the background: between the values before and after
        const lo = m.lastSeen,
          hi = after.find((a) => a.email === m.email)!.lastSeen;
        if (hi === null) expect(got.last_seen_ts).toBeNull();
        else {
          expect(typeof got.last_seen_ts).toBe("number");
          if (lo !== null) expect(got.last_seen_ts).toBeGreaterThanOrEqual(lo);
          expect(got.last_seen_ts).toBeLessThanOrEqual(hi);
        }
        expect(got).toEqual(item(m, got.last_seen_ts));
      }
      expect(body.users.find((u: { name: string }) => u.name === "@admin=40e2e.test:e2e.test")?.admin).toBe(true);
      expect(body.users.find((u: { name: string }) => u.name === "@operator=40e2e.test:e2e.test")?.admin).toBe(false);
    }
  });

  test("paging with next_token, sorting by creation_ts / admin, filters name / admins / deactivated", async () => {
    const members = await team();
    const n = members.length;
    const page = (
      await raw("GET", "/_synapse/admin/v3/users?from=0&limit=1&order_by=name&dir=b", { role: "admin" })
    ).json();
    expect(page.total).toBe(n);
    expect(page.users.map((u: { name: string }) => u.name)).toEqual([
      mxid([...members].sort(byName).reverse()[0].email),
    ]);
    expect(page.next_token).toBe(n > 1 ? "1" : undefined);

    const byCreation = (
      await raw("GET", "/_synapse/admin/v3/users?order_by=creation_ts&dir=b", { role: "admin" })
    ).json();
    const expectedCreation = [...members]
      .sort((a, b) => b.created - a.created || byName(a, b))
      .map((m) => mxid(m.email));
    expect(byCreation.users.map((u: { name: string }) => u.name)).toEqual(expectedCreation);

    const admins = (await raw("GET", "/_synapse/admin/v3/users?admins=true", { role: "admin" })).json();
    expect(admins.users.map((u: { name: string }) => u.name)).toEqual(
      members
        .filter((m) => m.role === "admin")
        .sort(byName)
        .map((m) => mxid(m.email)),
    );
    expect(admins.total).toBe(members.filter((m) => m.role === "admin").length);

    const named = (await raw("GET", "/_synapse/admin/v3/users?name=operator", { role: "admin" })).json();
    expect(named.users.map((u: { name: string }) => u.name)).toContain("@operator=40e2e.test:e2e.test");
    expect(named.users.every((u: { displayname: string }) => u.displayname.includes("operator"))).toBe(true);

    // v3: deactivated=true lists only deactivated users (none); v2: it includes them (everyone)
    expect((await raw("GET", "/_synapse/admin/v3/users?deactivated=true", { role: "admin" })).json()).toEqual({
      users: [],
      total: 0,
    });
    expect(
      (await raw("GET", "/_synapse/admin/v2/users?deactivated=true&guests=false", { role: "admin" })).json().total,
    ).toBe(n);
  });

  test("bad parameters → 400 M_INVALID_PARAM in Synapse's wording", async () => {
    expectMatrixError(await raw("GET", "/_synapse/admin/v3/users?order_by=id", { role: "admin" }), 400, {
      errcode: "M_INVALID_PARAM",
      error:
        "Query parameter 'order_by' must be one of ['name', 'displayname', 'is_guest', 'admin', 'deactivated', 'user_type', 'avatar_url', 'shadow_banned', 'creation_ts', 'last_seen_ts', 'locked']",
    });
    expectMatrixError(await raw("GET", "/_synapse/admin/v2/users?guests=maybe", { role: "admin" }), 400, {
      errcode: "M_INVALID_PARAM",
      error: "Boolean query parameter 'guests' must be one of ['true', 'false']",
    });
    expectMatrixError(await raw("GET", "/_synapse/admin/v3/users?limit=-1", { role: "admin" }), 400, {
      errcode: "M_INVALID_PARAM",
      error: "Query parameter limit must be a positive integer.",
    });
  });

  test("viewers and operators see only themselves (200, not a 403 that would log synapse-admin out); no token → 401", async () => {
    const members = await team();
    for (const role of ["viewer", "operator"] as const) {
      const email = `${role}@e2e.test`;
      for (const v of ["v3", "v2"]) {
        const res = await raw("GET", `/_synapse/admin/${v}/users?from=0&limit=50&order_by=name&dir=f`, { role });
        expect(res.status, `${role} ${v} ${res.text}`).toBe(200);
        expectCors(res);
        const body = res.json();
        expect(body.total).toBe(1);
        const me = members.find((m) => m.email === email)!;
        expect(body.users).toEqual([item(me, body.users[0].last_seen_ts)]);
      }
      expect((await raw("GET", "/_synapse/admin/v3/users?name=admin", { role })).json()).toEqual({
        users: [],
        total: 0,
      });
      expectMatrixError(await raw("GET", "/_synapse/admin/v3/users?order_by=nonsense", { role }), 400, {
        errcode: "M_INVALID_PARAM",
        error:
          "Query parameter 'order_by' must be one of ['name', 'displayname', 'is_guest', 'admin', 'deactivated', 'user_type', 'avatar_url', 'shadow_banned', 'creation_ts', 'last_seen_ts', 'locked']",
      });
    }
    expectMatrixError(await raw("GET", "/_synapse/admin/v3/users"), 401, MISSING_TOKEN);
    expectMatrixError(
      await raw("GET", "/_synapse/admin/v2/users", { headers: { Authorization: `Bearer ${tokens().admin}x` } }),
      401,
      {
        errcode: "M_UNKNOWN_TOKEN",
        error: "Invalid access token passed.",
        soft_logout: false,
      },
    );
  });
});

test.describe("GET /_synapse/admin/v2/users/<user_id>", () => {
  test("a member in Synapse's 'query user account' shape (creation_ts in seconds)", async () => {
    const m = (await team()).find((x) => x.email === "operator@e2e.test")!;
    const res = await raw("GET", `/_synapse/admin/v2/users/${encodeURIComponent(mxid(m.email))}`, { role: "admin" });
    expect(res.status, res.text).toBe(200);
    expectCors(res);
    const body = res.json();
    expect(body).toEqual({
      name: "@operator=40e2e.test:e2e.test",
      displayname: "operator@e2e.test",
      threepids: [{ medium: "email", address: "operator@e2e.test", added_at: m.created, validated_at: m.created }],
      avatar_url: null,
      is_guest: false,
      admin: false,
      deactivated: false,
      erased: false,
      shadow_banned: false,
      creation_ts: Math.floor(m.created / 1000),
      appservice_id: null,
      consent_server_notice_sent: null,
      consent_version: null,
      consent_ts: null,
      external_ids: [],
      user_type: null,
      locked: false,
      suspended: false,
      last_seen_ts: body.last_seen_ts,
    });
    expect(body.last_seen_ts === null || typeof body.last_seen_ts === "number").toBe(true);
  });

  test("unknown → 404 'User not found'; another server → 400; not a user id → 400; non-admins: themselves only, others 403", async () => {
    expectMatrixError(
      await raw("GET", `/_synapse/admin/v2/users/${encodeURIComponent(mxid("ghost@e2e.test"))}`, { role: "admin" }),
      404,
      { errcode: "M_NOT_FOUND", error: "User not found" },
    );
    expectMatrixError(
      await raw("GET", `/_synapse/admin/v2/users/${encodeURIComponent("@admin=40e2e.test:matrix.org")}`, {
        role: "admin",
      }),
      400,
      { errcode: "M_UNKNOWN", error: "Can only look up local users" },
    );
    expectMatrixError(await raw("GET", "/_synapse/admin/v2/users/admin", { role: "admin" }), 400, {
      errcode: "M_INVALID_PARAM",
      error: "Invalid user id",
    });
    const other = await raw("GET", `/_synapse/admin/v2/users/${encodeURIComponent(mxid("admin@e2e.test"))}`, {
      role: "viewer",
    });
    expect(other.status).toBe(403);
    expect(other.json().errcode).toBe("M_FORBIDDEN");
    expect(
      (await raw("GET", `/_synapse/admin/v2/users/${encodeURIComponent(mxid("ghost@e2e.test"))}`, { role: "viewer" }))
        .status,
    ).toBe(403);
    const self = await raw("GET", `/_synapse/admin/v2/users/${encodeURIComponent(mxid("viewer@e2e.test"))}`, {
      role: "viewer",
    });
    expect(self.status).toBe(200);
    expect(self.json()).toMatchObject({
      name: "@viewer=40e2e.test:e2e.test",
      displayname: "viewer@e2e.test",
      admin: false,
    });
  });
});
