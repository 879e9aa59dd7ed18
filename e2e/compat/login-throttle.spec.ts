// The sign-in throttle under attack, over HTTP (POST /_matrix/client/v3/login; console sign-in
// shares the code and the count): a burst of concurrent guesses, a stranger trying to lock a
// member out, guessing spread over many addresses, IPv6 clients, and a client's
// X-Forwarded-For under a bare `next start`. Rules: README "Sign-in throttling", SECURITY.md.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { test, expect, db, testEnv } from "../support/fixtures";
import { ROOT, freePort, startServer, stopProcess } from "../support/server";
import type { Res } from "../api/helpers";
import { addMember, uniqueEmail } from "./compat-helpers";

const PASSWORD = "throttle-password-1";
const WRONG = "Wrong email or password."; // the start of a verified failure's message, also when it pauses

async function login(base: string, user: string, password: string, headers: Record<string, string> = {}): Promise<Res> {
  const res = await fetch(`${base}/_matrix/client/v3/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ type: "m.login.password", identifier: { type: "m.id.user", user }, password }),
  });
  const text = await res.text();
  const h: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    h[k] = v;
  });
  return { status: res.status, text, json: () => JSON.parse(text), headers: h };
}

/** An answer that shows its password was verified: accepted, refused as wrong, or paused by that very failure. */
const wasVerified = (r: Res) =>
  r.status === 200 || r.status === 403 || (r.status === 429 && String(r.json().error).startsWith(WRONG));

const throttleRow = async (key: string) =>
  (await db().query("SELECT failures, locked_until IS NOT NULL AS locked FROM login_throttle WHERE key = $1", [key]))
    .rows[0] as { failures: number; locked: boolean } | undefined;

test("100 concurrent guesses from one address, the right password among them: at most FEDCONSOLE_LOGIN_MAX_FAILURES (5) are verified, and the right one is refused", async () => {
  const email = uniqueEmail("burst");
  await addMember(email, "viewer", PASSWORD);
  const guesses = Array.from({ length: 100 }, (_, i) => (i === 99 ? PASSWORD : `wrong-guess-${i}`));
  await db().query("DELETE FROM login_throttle WHERE key = 'address:127.0.0.1'"); // a full budget for the run's own address
  try {
    const answers = await Promise.all(guesses.map((pw) => login(process.env.E2E_BASE_URL!, email, pw)));
    const byStatus: Record<number, number> = {};
    for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
    const verified = answers.filter(wasVerified).length;
    console.log(`100 concurrent guesses: answers ${JSON.stringify(byStatus)}, ${verified} verified`);
    expect(answers[99].status, `the right password: ${answers[99].text}`).toBe(429);
    expect(answers.filter((a) => a.status === 200)).toEqual([]);
    expect(verified).toBeLessThanOrEqual(5);
    // every refusal is Matrix's rate-limit answer, with the time to wait
    for (const a of answers.filter((x) => x.status === 429)) {
      expect(a.json().errcode).toBe("M_LIMIT_EXCEEDED");
      expect(a.json().retry_after_ms).toBeGreaterThan(0);
    }
    // the count agrees: attempts are counted before their verification, and only those
    expect(await throttleRow(`pair:${email} from 127.0.0.1`)).toEqual({ failures: verified, locked: true });
    // a member elsewhere on the same account is not affected by it (see the next test) — and
    // here, after the burst, the member's own address stays paused even for the right password
    expect((await login(process.env.E2E_BASE_URL!, email, PASSWORD)).status).toBe(429);
  } finally {
    // the burst counted against the run's own address: give the other tests their budget back
    await db().query("DELETE FROM login_throttle WHERE key = 'address:127.0.0.1'");
  }
});

test.describe("behind a trusted proxy (client addresses from X-Forwarded-For)", () => {
  test.describe.configure({ timeout: 180_000 });
  let server: Awaited<ReturnType<typeof startServer>>;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    server = await startServer({
      ...testEnv(),
      FEDCONSOLE_SERVER_NAME: "e2e.test",
      FEDCONSOLE_TRUST_PROXY: "on",
      FEDCONSOLE_LOGIN_MAX_FAILURES_PER_ACCOUNT: "20",
    });
  });
  // This server shares the run's database: the address rows it makes are removed afterwards, so
  // that other specs' checks for forged addresses see none.
  const used = new Set<string>();
  test.afterAll(async () => {
    await server?.stop();
    await db().query("DELETE FROM login_throttle WHERE key = ANY($1)", [[...used].map((a) => `address:${a}`)]);
  });
  const from = (address: string) => {
    used.add(address.includes(":") ? `${address.split(":").slice(0, 4).join(":")}::/64` : address);
    return { "X-Forwarded-For": address };
  };

  test("a stranger's failures from address A do not lock the member out at address B", async () => {
    const email = uniqueEmail("target");
    await addMember(email, "operator", PASSWORD); // not an admin: team.spec counts the admins
    for (let i = 1; i <= 12; i++) {
      const r = await login(server.url, email, `guess-${i}`, from("203.0.113.66"));
      expect(r.status, `stranger's attempt ${i}`).toBe(i < 5 ? 403 : 429);
    }
    // the stranger is paused, even with the right password…
    expect((await login(server.url, email, PASSWORD, from("203.0.113.66"))).status).toBe(429);
    // …and the member, from their own address, signs in
    const member = await login(server.url, email, PASSWORD, from("198.51.100.20"));
    expect(member.status, member.text).toBe(200);
    expect(member.json().access_token).toBeTruthy();
  });

  test("guessing spread over many addresses: at most FEDCONSOLE_LOGIN_MAX_FAILURES_PER_ACCOUNT (20) verified, then the account is paused everywhere", async () => {
    const email = uniqueEmail("spread");
    await addMember(email, "viewer", PASSWORD);
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => login(server.url, email, `spread-${i}`, from(`192.0.2.${i + 1}`))),
    );
    const verified = answers.filter(wasVerified).length;
    console.log(`60 concurrent guesses from 60 addresses: ${verified} verified`);
    expect(verified).toBeLessThanOrEqual(20);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(40);
    expect(await throttleRow(`account:${email}`)).toEqual({ failures: verified, locked: true });
    const fresh = await login(server.url, email, PASSWORD, from("198.51.100.99"));
    expect(fresh.status, fresh.text).toBe(429);
    expect(fresh.json().error).toMatch(/^Too many failed sign-ins for this account\./);
  });

  test("IPv6 clients are counted by their /64: other addresses of the same /64 share the pause, another /64 does not", async () => {
    const email = uniqueEmail("v6");
    await addMember(email, "viewer", PASSWORD);
    for (let i = 1; i <= 5; i++) await login(server.url, email, `v6-${i}`, from(`2001:db8:aa:bb::${i}`));
    expect(await throttleRow(`pair:${email} from 2001:db8:aa:bb::/64`)).toEqual({ failures: 5, locked: true });
    expect((await login(server.url, email, PASSWORD, from("2001:db8:aa:bb:ffff:1:2:3"))).status).toBe(429);
    expect((await login(server.url, email, PASSWORD, from("2001:db8:aa:bc::1"))).status).toBe(200);
  });
});

test("under a bare `next start` a client's X-Forwarded-For is not believed: failures count against the connection's address", async () => {
  test.setTimeout(120_000);
  const email = uniqueEmail("bare");
  await addMember(email, "viewer", PASSWORD);
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "fc-bare-"));
  const proc = spawn(
    process.execPath,
    [path.join(ROOT, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: ROOT,
      env: { ...process.env, ...testEnv(), FEDCONSOLE_DATA_DIR: dataDir, FEDCONSOLE_SERVER_NAME: "e2e.test" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  try {
    await expect
      .poll(async () => (await fetch(`${base}/_matrix/client/versions`).catch(() => null))?.status, { timeout: 60_000 })
      .toBe(200);
    for (const spoofed of ["203.0.113.201", "198.51.100.7, 203.0.113.202"]) {
      const r = await login(base, email, "wrong-password", {
        "X-Forwarded-For": spoofed,
        "X-Real-IP": "203.0.113.203",
      });
      expect(r.status, `${r.text}\n${out}`).toBe(403);
    }
    const keys = (
      await db().query("SELECT key, failures FROM login_throttle WHERE key LIKE $1 ORDER BY key", [`pair:${email} %`])
    ).rows;
    expect(keys).toEqual([{ key: `pair:${email} from 127.0.0.1`, failures: 2 }]);
    const forged = await db().query("SELECT key FROM login_throttle WHERE key LIKE '%203.0.113.20%'");
    expect(forged.rows).toEqual([]);
  } finally {
    await stopProcess(proc);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
