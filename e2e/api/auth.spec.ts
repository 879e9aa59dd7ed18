// Authentication and roles on every endpoint, and the order of checks: auth → 404 → 400.
import { test, expect, seed, call, FED, tokens, testEnv, type SeedDestination } from "../support/fixtures";
import { fedctl } from "../support/server";
import { ERR, expectError, expectApiHeaders, raw, synapseDestinations } from "./helpers";

const FAILING: SeedDestination = {
  destination: "dummy.example",
  retry_last_ts: 100,
  retry_interval: 100,
  failure_ts: 100,
  rooms: [{ room_id: "!r:example.org", stream_ordering: 1 }],
};

const ENDPOINTS: { method: "GET" | "POST"; path: string }[] = [
  { method: "GET", path: FED },
  { method: "GET", path: `${FED}/dummy.example` },
  { method: "GET", path: `${FED}/dummy.example/rooms` },
  { method: "POST", path: `${FED}/dummy.example/reset_connection` },
];

test.describe("authentication", () => {
  test("no token → 401 M_MISSING_TOKEN on every endpoint", async ({ request }) => {
    await seed([FAILING]);
    for (const { method, path } of ENDPOINTS) {
      const res = await call(request, method, path, null, method === "POST" ? "{}" : undefined);
      expectError(res, 401, ERR.missingToken);
      expectApiHeaders(res);
    }
    expect((await call(request, "GET", `${FED}/dummy.example`)).status).toBe(200); // nothing was changed
  });

  test("unknown token → 401 M_UNKNOWN_TOKEN (soft_logout false) on every endpoint", async () => {
    await seed([FAILING]);
    for (const { method, path } of ENDPOINTS) {
      const res = await raw(method, path, {
        headers: { Authorization: "Bearer not-a-real-token-0123456789" },
        body: method === "POST" ? "{}" : undefined,
      });
      expectError(res, 401, ERR.unknownToken);
      expectApiHeaders(res);
      const q = await raw(method, `${path}?access_token=not-a-real-token-0123456789`, {
        body: method === "POST" ? "{}" : undefined,
      });
      expectError(q, 401, ERR.unknownToken);
    }
  });

  test("a token that differs from a valid one in its last character is unknown", async () => {
    await seed([FAILING]);
    const t = tokens().admin;
    const altered = t.slice(0, -1) + (t.endsWith("A") ? "B" : "A");
    expectError(await raw("GET", FED, { headers: { Authorization: `Bearer ${altered}` } }), 401, ERR.unknownToken);
  });

  test("viewer may GET list, details and rooms; reset is 403 M_FORBIDDEN (Synapse test_requester_is_no_admin)", async ({
    request,
  }) => {
    await seed([FAILING]);
    for (const { method, path } of ENDPOINTS) {
      const res = await call(request, method, path, "viewer", method === "POST" ? "{}" : undefined);
      if (method === "GET") expect(res.status, path).toBe(200);
      else {
        expect(res.status, path).toBe(403);
        expect(res.json().errcode).toBe("M_FORBIDDEN");
        expect(typeof res.json().error).toBe("string");
        expectApiHeaders(res);
      }
    }
  });

  test("operator and admin may use every endpoint", async ({ request }) => {
    for (const role of ["operator", "admin"] as const) {
      await seed([FAILING]);
      for (const { method, path } of ENDPOINTS) {
        const res = await call(request, method, path, role, method === "POST" ? "{}" : undefined);
        expect(res.status, `${role} ${method} ${path}: ${res.text}`).toBe(200);
      }
    }
  });

  test("?access_token= works like the Authorization header (GET and POST)", async () => {
    await seed([FAILING]);
    const t = encodeURIComponent(tokens().admin);
    const list = await raw("GET", `${FED}?access_token=${t}`);
    expect(list.status).toBe(200);
    expect(list.json().total).toBe(1);
    expect((await raw("GET", `${FED}/dummy.example?access_token=${t}`)).json().destination).toBe("dummy.example");
    expect((await raw("GET", `${FED}/dummy.example/rooms?access_token=${t}&limit=1`)).json().total).toBe(1);
    const reset = await raw("POST", `${FED}/dummy.example/reset_connection?access_token=${t}`);
    expect(reset.status).toBe(200);
    expect(reset.json()).toEqual({});
    // the role of a query token applies too
    const v = await raw(
      "POST",
      `${FED}/dummy.example/reset_connection?access_token=${encodeURIComponent(tokens().viewer)}`,
    );
    expect(v.status).toBe(403);
    expect(v.json().errcode).toBe("M_FORBIDDEN");
  });

  test("Authorization header and ?access_token= together → 401 M_MISSING_TOKEN", async () => {
    await seed([FAILING]);
    for (const { method, path } of ENDPOINTS) {
      const res = await raw(method, `${path}?access_token=${encodeURIComponent(tokens().admin)}`, {
        role: "admin",
        body: method === "POST" ? "{}" : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.json().errcode).toBe("M_MISSING_TOKEN");
      expectApiHeaders(res);
    }
  });

  test("an Authorization header that is not a Bearer token carries no token → 401 M_MISSING_TOKEN", async () => {
    await seed([FAILING]);
    for (const auth of [
      `Basic ${Buffer.from("admin@e2e.test:admin-password-1").toString("base64")}`,
      "Bearer",
      `Token ${tokens().admin}`,
    ]) {
      const res = await raw("GET", FED, { headers: { Authorization: auth } });
      expect(res.status, auth).toBe(401);
      expect(res.json().errcode, auth).toBe("M_MISSING_TOKEN");
    }
  });

  test("revoked token → 401 M_UNKNOWN_TOKEN (header and query)", async () => {
    await seed([FAILING]);
    const name = `e2e-revoke-${Date.now()}`;
    const created = await fedctl(["tokens", "create", "operator@e2e.test", "--name", name], testEnv());
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token.length).toBeGreaterThan(10);
    const h = { Authorization: `Bearer ${token}` };
    expect((await raw("GET", FED, { headers: h })).status).toBe(200);

    const list = await fedctl(["tokens", "list"], testEnv());
    expect(list.code, list.stderr).toBe(0);
    const line = list.stdout.split("\n").find((l) => l.includes(name));
    expect(line, list.stdout).toBeTruthy();
    const id = line!.split("\t")[0].trim();
    const revoked = await fedctl(["tokens", "revoke", id], testEnv());
    expect(revoked.code, revoked.stderr).toBe(0);

    for (const { method, path } of ENDPOINTS) {
      expectError(
        await raw(method, path, { headers: h, body: method === "POST" ? "{}" : undefined }),
        401,
        ERR.unknownToken,
      );
    }
    expectError(await raw("GET", `${FED}?access_token=${encodeURIComponent(token)}`), 401, ERR.unknownToken);
    // the reset was refused: timings still stored
    const d = await raw("GET", `${FED}/dummy.example`, { role: "admin" });
    expect(d.json().retry_last_ts).toBe(100);
  });

  test("revoking by the token's visible prefix works too", async () => {
    await seed([FAILING]);
    const name = `e2e-revoke-prefix-${Date.now()}`;
    const created = await fedctl(["tokens", "create", "viewer@e2e.test", "--name", name], testEnv());
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect((await raw("GET", FED, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    const list = await fedctl(["tokens", "list"], testEnv());
    const line = list.stdout.split("\n").find((l) => l.includes(name))!;
    const prefix = line.split("\t")[1].replace(/…$/, "").trim();
    expect(token.startsWith(prefix)).toBe(true);
    const revoked = await fedctl(["tokens", "revoke", prefix], testEnv());
    expect(revoked.code, revoked.stderr).toBe(0);
    expectError(await raw("GET", FED, { headers: { Authorization: `Bearer ${token}` } }), 401, ERR.unknownToken);
  });
});

test.describe("order of checks: auth → destination known → parameters", () => {
  test("no token with bad parameters → 401, not 400", async ({ request }) => {
    await seed(synapseDestinations(2));
    expectError(await call(request, "GET", `${FED}?limit=-5&order_by=bar`, null), 401, ERR.missingToken);
    expectError(await call(request, "GET", `${FED}/nowhere.example/rooms?limit=-5`, null), 401, ERR.missingToken);
    expectError(
      await raw("GET", `${FED}?dir=bar`, { headers: { Authorization: "Bearer nope" } }),
      401,
      ERR.unknownToken,
    );
  });

  test("no token on an unknown destination → 401, not 404", async ({ request }) => {
    await seed([]);
    expectError(await call(request, "GET", `${FED}/nowhere.example`, null), 401, ERR.missingToken);
    expectError(await call(request, "GET", `${FED}/nowhere.example/rooms`, null), 401, ERR.missingToken);
    expectError(
      await call(request, "POST", `${FED}/nowhere.example/reset_connection`, null, "{}"),
      401,
      ERR.missingToken,
    );
  });

  test("viewer resetting an unknown destination → 403, not 404", async ({ request }) => {
    await seed([]);
    const res = await call(request, "POST", `${FED}/nowhere.example/reset_connection`, "viewer", "{}");
    expect(res.status).toBe(403);
    expect(res.json().errcode).toBe("M_FORBIDDEN");
  });

  test("unknown destination with bad parameters → 404; known destination with bad parameters → 400", async ({
    request,
  }) => {
    await seed([{ destination: "known.example", rooms: [{ room_id: "!a:x", stream_ordering: 1 }] }]);
    for (const role of ["viewer", "admin"] as const) {
      expectError(await call(request, "GET", `${FED}/nowhere.example/rooms?limit=-5&dir=bar`, role), 404, ERR.notFound);
      expectError(await call(request, "GET", `${FED}/known.example/rooms?limit=-5`, role), 400, ERR.negative("limit"));
      expectError(await call(request, "GET", `${FED}/known.example/rooms?dir=bar`, role), 400, ERR.dir);
    }
  });
});
