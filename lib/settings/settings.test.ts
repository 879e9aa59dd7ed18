import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { exportAuthEnvironment, loadSettings, SettingsError } from "./settings";
import { SETTINGS, type SettingName } from "./spec";
import { withSettingsTable } from "./settings-table";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** Settings that take any non-blank text (a blank one means the default): nothing to refuse. */
const FREE_TEXT: SettingName[] = [
  "FEDCONSOLE_DATA_DIR",
  "NEXT_DIST_DIR",
  "ADMIN_PASSWORD",
  "AUTH_SECRET",
  "FEDCONSOLE_UPSTREAM_TOKEN",
];

/** What some settings need beside them to be checked alone. */
const COMPANIONS: Partial<Record<SettingName, Record<string, string>>> = {
  ADMIN_EMAIL: { ADMIN_PASSWORD: "a long password" },
  FEDCONSOLE_UPSTREAM_URL: { FEDCONSOLE_UPSTREAM_TOKEN: "syt_token" },
  FEDCONSOLE_UPSTREAM_TOKEN_FILE: { FEDCONSOLE_UPSTREAM_URL: "http://127.0.0.1:8008" },
};

const names = Object.keys(SETTINGS) as SettingName[];

test("every setting has values it refuses, or is declared free text", () => {
  for (const name of names) {
    const invalid = SETTINGS[name].invalid;
    if (FREE_TEXT.includes(name)) assert.equal(invalid.length, 0, `${name} is free text`);
    else assert.ok(invalid.length > 0, `${name}: add values it must refuse to spec.ts, or list it in FREE_TEXT`);
  }
});

test("a bad value of each setting is refused with a message naming the variable and the accepted form", () => {
  for (const name of names) {
    for (const bad of SETTINGS[name].invalid) {
      assert.throws(
        () => loadSettings({ ...COMPANIONS[name], [name]: bad }),
        (e: unknown) => {
          assert.ok(e instanceof SettingsError, `${name}=${bad}: ${String(e)}`);
          assert.deepEqual(
            e.problems.map((p) => p.name),
            [name],
          );
          assert.match(e.message, new RegExp(`\\b${name}\\b`), `${name}=${bad}`);
          assert.match(e.message, /must|cannot|invalid/, `${name}=${bad}: says what is expected`);
          return true;
        },
        `${name}=${JSON.stringify(bad)} must be refused`,
      );
    }
  }
});

test("every bad value at once: one error that names each variable", () => {
  const env: Record<string, string> = {};
  for (const name of names) if (SETTINGS[name].invalid.length) env[name] = SETTINGS[name].invalid[0];
  const e = (() => {
    try {
      loadSettings(env);
    } catch (err) {
      return err;
    }
  })();
  assert.ok(e instanceof SettingsError);
  // FEDERATION_MAX_RETRY_INTERVAL's first bad value is a bad form; every other one is named too.
  for (const name of Object.keys(env)) assert.match(e.message, new RegExp(`\\b${name}\\b`), name);
});

test("secrets are never echoed in errors", () => {
  assert.throws(
    () => loadSettings({ DATABASE_URL: "mysql://user:hunter2@db/x" }),
    (e: Error) => e.message.includes("DATABASE_URL") && !e.message.includes("hunter2"),
  );
});

test("defaults, blanks and trimming", () => {
  const d = loadSettings({});
  assert.equal(d.port, 3000);
  assert.equal(d.hostname, "127.0.0.1");
  assert.equal(d.database.url, undefined);
  assert.equal(d.database.poolSize, 10);
  assert.equal(d.database.connectTimeoutMs, 5_000);
  assert.equal(d.serverName, "localhost");
  assert.equal(d.scheduler.enabled, true);
  assert.equal(d.scheduler.claimLeaseMs, undefined);
  assert.equal(d.trustProxy, false);
  assert.equal(d.firstAdmin, undefined);
  assert.equal(d.build.mode, "auto");
  assert.deepEqual(loadSettings({ PORT: " ", DATABASE_POOL_SIZE: "" }).port, 3000);
  assert.equal(loadSettings({ DATABASE_POOL_SIZE: " 4 " }).database.poolSize, 4);
  assert.equal(loadSettings({ FEDERATION_POLL_INTERVAL: "10" }).scheduler.pollIntervalMs, 50, "at least 50 ms");
  assert.deepEqual(loadSettings({ ADMIN_EMAIL: "a@b.c", ADMIN_PASSWORD: "pw" }).firstAdmin, {
    email: "a@b.c",
    password: "pw",
  });
});

test("switches: the same words everywhere, any case", () => {
  for (const [word, on] of [
    ["on", true],
    ["TRUE", true],
    ["1", true],
    ["yes", true],
    ["off", false],
    ["False", false],
    ["0", false],
    ["no", false],
  ] as const) {
    assert.equal(loadSettings({ FEDERATION_SCHEDULER: word }).scheduler.enabled, on, word);
    assert.equal(loadSettings({ FEDCONSOLE_TRUST_PROXY: ` ${word} ` }).trustProxy, on, word);
  }
});

test("relations between settings", () => {
  assert.throws(
    () => loadSettings({ FEDERATION_MAX_RETRY_INTERVAL: "5m" }),
    /must be >= FEDERATION_MIN_RETRY_INTERVAL/,
  );
  assert.throws(
    () => loadSettings({ FEDERATION_ATTEMPT_TIMEOUT: "20s", FEDERATION_CLAIM_LEASE: "15s" }),
    /FEDERATION_CLAIM_LEASE .* must exceed FEDERATION_ATTEMPT_TIMEOUT/,
  );
  assert.throws(() => loadSettings({ ADMIN_PASSWORD: "pw" }), /ADMIN_EMAIL must be set too/);
  assert.throws(
    () => loadSettings({ FEDCONSOLE_UPSTREAM_URL: "http://127.0.0.1:8008" }),
    /FEDCONSOLE_UPSTREAM_TOKEN .*must be set/,
  );
  assert.throws(() => loadSettings({ FEDCONSOLE_UPSTREAM_TOKEN: "t" }), /FEDCONSOLE_UPSTREAM_URL must be set too/);
});

test("mirror mode: the upstream settings, token from a file, database source alone", () => {
  assert.equal(loadSettings({}).upstream, undefined, "standalone by default");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-settings-"));
  try {
    const file = path.join(dir, "token");
    fs.writeFileSync(file, "  syt_secret_from_file\n");
    const u = loadSettings({
      FEDCONSOLE_UPSTREAM_URL: "http://127.0.0.1:8008/",
      FEDCONSOLE_UPSTREAM_TOKEN_FILE: file,
    }).upstream;
    assert.equal(u?.url, "http://127.0.0.1:8008");
    assert.equal(u?.token, "syt_secret_from_file");
    assert.equal(u?.syncIntervalMs, 300_000);
    assert.equal(u?.pollIntervalMs, 15_000);
    assert.equal(u?.pageSize, 1000);
    assert.ok(u?.ipAllowlist.includes("127.0.0.0/8"));
    assert.throws(
      () =>
        loadSettings({
          FEDCONSOLE_UPSTREAM_URL: "http://h",
          FEDCONSOLE_UPSTREAM_TOKEN: "a",
          FEDCONSOLE_UPSTREAM_TOKEN_FILE: file,
        }),
      /both set/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const dbOnly = loadSettings({ FEDCONSOLE_UPSTREAM_DATABASE_URL: "postgresql://ro@db/synapse" }).upstream;
  assert.equal(dbOnly?.url, undefined);
  assert.equal(dbOnly?.databaseUrl, "postgresql://ro@db/synapse");
});

test("next-auth's URL: AUTH_URL, else the origin of FEDCONSOLE_PUBLIC_URL (so https behind a TLS proxy means Secure cookies)", () => {
  assert.equal(loadSettings({}).auth.url, undefined);
  assert.equal(
    loadSettings({ FEDCONSOLE_PUBLIC_URL: "https://fed.example.org/console/" }).auth.url,
    "https://fed.example.org",
  );
  assert.equal(
    loadSettings({ FEDCONSOLE_PUBLIC_URL: "https://fed.example.org", AUTH_URL: "https://auth.example.org" }).auth.url,
    "https://auth.example.org",
  );
  const env: Record<string, string | undefined> = {};
  const saved = { url: process.env.AUTH_URL, trust: process.env.AUTH_TRUST_HOST };
  try {
    delete process.env.AUTH_URL;
    delete process.env.AUTH_TRUST_HOST;
    exportAuthEnvironment(loadSettings({ FEDCONSOLE_PUBLIC_URL: "https://fed.example.org" }));
    env.url = process.env.AUTH_URL;
    env.trust = process.env.AUTH_TRUST_HOST;
    assert.deepEqual(env, { url: "https://fed.example.org", trust: undefined });
    delete process.env.AUTH_URL;
    exportAuthEnvironment(loadSettings({}));
    assert.equal(process.env.AUTH_URL, undefined);
    assert.equal(process.env.AUTH_TRUST_HOST, "true");
  } finally {
    for (const [k, v] of [
      ["AUTH_URL", saved.url],
      ["AUTH_TRUST_HOST", saved.trust],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test("README's settings table is the one generated from spec.ts (npm run settings:table)", () => {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  assert.equal(readme, withSettingsTable(readme), "run `npm run settings:table` and commit README.md");
});

test("process.env is read in lib/settings only (product code in lib/ and app/)", () => {
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      const rel = path.relative(ROOT, p);
      if (e.isDirectory()) {
        // Generated code, test support (testing/ folders, *.test.ts, *-test-db.ts) and the
        // settings module itself are not product reads.
        if (!["lib/generated", "lib/settings"].includes(rel) && e.name !== "testing") walk(p);
      } else if (/\.(ts|tsx)$/.test(e.name) && !/(\.test|-test-db)\.ts$/.test(e.name)) {
        const text = fs.readFileSync(p, "utf8");
        if (/process\.env\b/.test(text)) offenders.push(rel);
      }
    }
  };
  walk(path.join(ROOT, "lib"));
  walk(path.join(ROOT, "app"));
  assert.deepEqual(offenders, [], "read settings through lib/settings/settings.ts instead");
});
