// What Ketesa's and synapse-admin's login forms probe before anyone logs in: spec versions,
// login flows, OIDC metadata (absent), server version, client discovery.
import { test, expect } from "../support/fixtures";
import { raw } from "../api/helpers";
import { UNRECOGNIZED, expectCors, expectMatrixError } from "./compat-helpers";

test.describe("login form probes (no token)", () => {
  test("GET /_matrix/client/versions → {versions:[…], unstable_features:{}}", async () => {
    const res = await raw("GET", "/_matrix/client/versions");
    expect(res.status).toBe(200);
    expectCors(res);
    expect(res.json()).toEqual({ versions: ["r0.6.1", "v1.1"], unstable_features: {} });
  });

  test("GET /_matrix/client/{v3,r0}/login → password login is the only flow", async () => {
    for (const v of ["v3", "r0"]) {
      const res = await raw("GET", `/_matrix/client/${v}/login`, { headers: { Accept: "application/json" } });
      expect(res.status, v).toBe(200);
      expectCors(res, v);
      expect(res.json(), v).toEqual({ flows: [{ type: "m.login.password" }] });
    }
  });

  test("OIDC auth metadata (stable and unstable) → 404 M_UNRECOGNIZED JSON", async () => {
    for (const p of ["/_matrix/client/v1/auth_metadata", "/_matrix/client/unstable/org.matrix.msc2965/auth_metadata"]) {
      expectMatrixError(await raw("GET", p), 404, UNRECOGNIZED, p);
    }
  });

  test("GET /_synapse/admin/v1/server_version → {server_version} that the UIs print after 'Synapse v'", async () => {
    const res = await raw("GET", "/_synapse/admin/v1/server_version");
    expect(res.status).toBe(200);
    expectCors(res);
    const body = res.json();
    expect(Object.keys(body)).toEqual(["server_version"]);
    expect(body.server_version).toMatch(/^\d+\.\d+\.\d+ \(Federation Console\)$/);
  });

  test("GET /.well-known/matrix/client → m.homeserver.base_url is this server", async () => {
    const res = await raw("GET", "/.well-known/matrix/client");
    expect(res.status).toBe(200);
    expectCors(res);
    expect(res.json()).toEqual({ "m.homeserver": { base_url: process.env.E2E_BASE_URL } });
  });
});
