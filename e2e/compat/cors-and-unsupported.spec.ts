// CORS for a UI served from another origin, and what the admin UIs' other pages get.
import { test, expect } from "../support/fixtures";
import { FED } from "../support/fixtures";
import { raw } from "../api/helpers";
import { UNRECOGNIZED, expectMatrixError, mxid } from "./compat-helpers";

const ADMIN_ID = mxid("admin@e2e.test");

/** Every path an admin UI calls on us (the Federation pages and the compatibility endpoints). */
const PATHS: [method: string, path: string][] = [
  ["GET", "/_matrix/client/versions"],
  ["GET", "/_matrix/client/v3/login"],
  ["POST", "/_matrix/client/v3/login"],
  ["POST", "/_matrix/client/r0/login"],
  ["GET", "/_matrix/client/v3/account/whoami"],
  ["GET", "/_matrix/client/r0/account/whoami"],
  ["POST", "/_matrix/client/v3/logout"],
  ["POST", "/_matrix/client/r0/logout"],
  ["GET", `/_matrix/client/v3/profile/${ADMIN_ID}`],
  ["GET", "/_matrix/client/v1/auth_metadata"],
  ["GET", "/_synapse/admin/v1/server_version"],
  ["GET", "/_synapse/admin/v3/users"],
  ["GET", "/_synapse/admin/v2/users"],
  ["GET", `/_synapse/admin/v2/users/${encodeURIComponent(ADMIN_ID)}`],
  ["GET", "/_synapse/admin/v1/rooms/!r:example.org"],
  ["GET", FED],
  ["GET", `${FED}/x.example`],
  ["GET", `${FED}/x.example/rooms`],
  ["POST", `${FED}/x.example/reset_connection`],
];

test.describe("CORS", () => {
  test("OPTIONS preflight → 204, no auth, empty body, Allow-Origin *, the methods and Authorization/Content-Type/Accept named", async () => {
    for (const [method, path] of PATHS) {
      const res = await raw("OPTIONS", path, {
        headers: {
          Origin: "https://ketesa.example.net",
          "Access-Control-Request-Method": method,
          // What a browser asks for a UI's fetch with a token and a JSON body (Accept is
          // CORS-safelisted: browsers never ask for it).
          "Access-Control-Request-Headers": "authorization, content-type",
        },
      });
      const what = `OPTIONS ${path}`;
      expect(res.status, what).toBe(204);
      expect(res.text, what).toBe("");
      expect(res.headers["access-control-allow-origin"], what).toBe("*");
      const methods = (res.headers["access-control-allow-methods"] ?? "").split(",").map((s) => s.trim());
      for (const m of ["GET", "POST", "PUT", "DELETE", "OPTIONS"]) expect(methods, `${what} methods`).toContain(m);
      const allowed = (res.headers["access-control-allow-headers"] ?? "").split(",").map((s) => s.trim().toLowerCase());
      for (const h of ["authorization", "content-type"]) expect(allowed, `${what} headers`).toContain(h);
    }
  });

  test("real answers, errors included, carry Access-Control-Allow-Origin: *", async () => {
    for (const [method, path] of PATHS) {
      const res = await raw(method, path, {
        headers: { Origin: "https://ketesa.example.net" },
        body: method === "POST" ? "{}" : undefined,
      });
      expect(res.headers["access-control-allow-origin"], `${method} ${path} → ${res.status}`).toBe("*");
      expect(res.headers["content-type"], `${method} ${path}`).toMatch(/^application\/json\b/);
    }
  });
});

test.describe("endpoints the admin UIs call that we do not serve", () => {
  test("→ 404 M_UNRECOGNIZED JSON (with or without a token); a wrong method on a served path → 405", async () => {
    const unsupported: [string, string][] = [
      ["POST", "/_matrix/client/v3/logout/all"],
      ["GET", "/_synapse/admin/v1/rooms"],
      ["GET", "/_synapse/admin/v1/rooms/!r:example.org/members"],
      ["GET", `/_synapse/admin/v2/users/${encodeURIComponent(ADMIN_ID)}/devices`],
      ["GET", `/_synapse/admin/v1/users/${encodeURIComponent(ADMIN_ID)}/joined_rooms`],
      ["GET", `/_synapse/admin/v1/whois/${encodeURIComponent(ADMIN_ID)}`],
      ["GET", "/_synapse/admin/v1/event_reports"],
      ["GET", "/_synapse/admin/v1/registration_tokens"],
      ["GET", "/_synapse/admin/v1/statistics/users/media"],
      ["GET", "/_matrix/client/v3/publicRooms"],
      ["GET", "/_matrix/client/v3/profile/" + ADMIN_ID + "/displayname"],
      ["GET", "/_matrix/client/unstable/org.matrix.msc2965/auth_issuer"],
    ];
    for (const [m, p] of unsupported) {
      for (const role of ["admin", null] as const) {
        expectMatrixError(
          await raw(m, p, { role, body: m === "POST" ? "{}" : undefined }),
          404,
          UNRECOGNIZED,
          `${m} ${p} ${role ?? "no token"}`,
        );
      }
    }
    for (const [m, p] of [
      ["PUT", `/_synapse/admin/v2/users/${encodeURIComponent(ADMIN_ID)}`],
      ["POST", "/_matrix/client/versions"],
      ["DELETE", "/_matrix/client/v3/login"],
    ] as const) {
      expectMatrixError(await raw(m, p, { role: "admin", body: "{}" }), 405, UNRECOGNIZED, `${m} ${p}`);
    }
  });
});
