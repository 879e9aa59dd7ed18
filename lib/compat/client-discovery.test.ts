// The endpoints that need no database, through the real router.
import { test } from "node:test";
import assert from "node:assert/strict";
import { handleFetchRequest } from "../http/api-router";
import { loadSettings, installSettings } from "../settings/settings";

/** FEDCONSOLE_PUBLIC_URL as the settings module parses it. */
const configuredPublicUrl = (raw: string | undefined) => loadSettings({ FEDCONSOLE_PUBLIC_URL: raw }).publicUrl;

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await handleFetchRequest(new Request(url, { headers }));
  return { status: res.status, body: await res.json(), cors: res.headers.get("access-control-allow-origin") };
}

test("/.well-known/matrix/client points back at the origin the client used", async () => {
  installSettings(loadSettings({}));
  try {
    assert.deepEqual(await get("http://console.example:3000/.well-known/matrix/client"), {
      status: 200,
      body: { "m.homeserver": { base_url: "http://console.example:3000" } },
      cors: "*",
    });
    const proxied = await get("http://console.example/.well-known/matrix/client", { "x-forwarded-proto": "https" });
    assert.deepEqual(proxied.body, { "m.homeserver": { base_url: "https://console.example" } });
    installSettings(loadSettings({ FEDCONSOLE_PUBLIC_URL: "https://fed.example.org/" }));
    assert.deepEqual((await get("http://127.0.0.1:3000/.well-known/matrix/client")).body, {
      "m.homeserver": { base_url: "https://fed.example.org" },
    });
  } finally {
    installSettings(undefined);
  }
});

test("FEDCONSOLE_PUBLIC_URL must be a plain http(s) URL", () => {
  assert.equal(configuredPublicUrl(undefined), undefined);
  assert.equal(configuredPublicUrl(" "), undefined);
  assert.equal(configuredPublicUrl("https://fed.example.org/console/"), "https://fed.example.org/console");
  assert.throws(() => configuredPublicUrl("fed.example.org"), /FEDCONSOLE_PUBLIC_URL/);
  assert.throws(() => configuredPublicUrl("ftp://fed.example.org"), /FEDCONSOLE_PUBLIC_URL/);
  assert.throws(() => configuredPublicUrl("https://fed.example.org/?x=1"), /FEDCONSOLE_PUBLIC_URL/);
});

test("versions, login flows and server version need no token", async () => {
  assert.deepEqual((await get("http://h/_matrix/client/versions")).body, {
    versions: ["r0.6.1", "v1.1"],
    unstable_features: {},
  });
  for (const v of ["v3", "r0"]) {
    assert.deepEqual(await get(`http://h/_matrix/client/${v}/login`), {
      status: 200,
      body: { flows: [{ type: "m.login.password" }] },
      cors: "*",
    });
  }
  const sv = await get("http://h/_synapse/admin/v1/server_version");
  assert.equal(sv.status, 200);
  assert.match(sv.body.server_version, /^\d+\.\d+\.\d+ \(Federation Console\)$/);
});

test("OIDC discovery is not offered: auth_metadata → 404 M_UNRECOGNIZED", async () => {
  for (const p of ["/_matrix/client/v1/auth_metadata", "/_matrix/client/unstable/org.matrix.msc2965/auth_metadata"]) {
    assert.deepEqual(await get("http://h" + p), {
      status: 404,
      body: { errcode: "M_UNRECOGNIZED", error: "Unrecognized request" },
      cors: "*",
    });
  }
});
