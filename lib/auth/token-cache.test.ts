// The web process's token cache (token-cache.ts) on a real PostgreSQL: served from memory while
// its LISTEN connection is up, forgotten at a revocation or role change by this process at once
// and by any other session at its NOTIFY, and never used while nobody listens.
import { test, before, after, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import type { PrismaClient } from "../generated/prisma/client";
import { createTestDatabase } from "../testing/test-database";
import { createTestPrismaDatabase, type TestPrismaDatabase } from "../testing/test-prisma";
import { CLI_PRINCIPAL } from "./principal";
import { createToken, resolveToken, revokeToken } from "./tokens";
import { addUser, removeUser, setUserRole } from "./users";
import { TOKEN_CHANGES_CHANNEL, TokenCache, disableTokenCache, enableTokenCache, tokenCacheFor } from "./token-cache";

let db: TestPrismaDatabase;
let prisma: PrismaClient;
let cache: TokenCache<unknown>;
let secret: string;

before(async () => {
  db = await createTestPrismaDatabase();
  prisma = db.prisma;
});
after(() => db.close());
beforeEach(async () => {
  await db.pool.query("TRUNCATE users CASCADE");
  await addUser(prisma, CLI_PRINCIPAL, { email: "admin@x.test", role: "admin", password: "admin-password-1" });
  await addUser(prisma, CLI_PRINCIPAL, { email: "ann@x.test", role: "operator", password: "ann-password-1" });
  secret = (await createToken(prisma, CLI_PRINCIPAL, { ownerEmail: "ann@x.test", name: "script" })).token;
  cache = enableTokenCache(db.pool, { databaseUrl: db.url });
  await cache.ready;
});
afterEach(async () => {
  await disableTokenCache();
});

/** Deletes the token without firing triggers (no NOTIFY): only memory can still answer for it. */
async function deleteSilently(): Promise<void> {
  const c = await db.pool.connect();
  try {
    await c.query("SET session_replication_role = replica");
    await c.query("DELETE FROM api_tokens");
    await c.query("SET session_replication_role = DEFAULT");
  } finally {
    c.release();
  }
}

async function until(what: string, f: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const refused = (p: Promise<unknown>) =>
  p.then(
    () => false,
    (e: { code?: string }) => e.code === "unknown_token",
  );

test("a checked token is answered from memory; a change made by hand in SQL empties the cache at its NOTIFY", async () => {
  assert.equal((await resolveToken(db.pool, secret)).email, "ann@x.test");
  assert.equal(cache.size, 1);
  await deleteSilently();
  // Gone from the table without a NOTIFY: only the cache still knows the token.
  assert.equal((await resolveToken(db.pool, secret)).role, "operator");
  // Restore it, then revoke it from another session, as an operator would in psql.
  await db.pool.query("TRUNCATE api_tokens"); // a TRUNCATE notifies too
  await until("the TRUNCATE is heard", async () => cache.size === 0);
  secret = (await createToken(prisma, CLI_PRINCIPAL, { ownerEmail: "ann@x.test", name: "script" })).token;
  await resolveToken(db.pool, secret);
  assert.equal(cache.size, 1);
  await db.pool.query("UPDATE api_tokens SET revoked_at = now()");
  await until("the revocation is heard", () => refused(resolveToken(db.pool, secret)));
  assert.equal(cache.size, 0);
});

test("this process's revocation, role change and removal take effect on the next check, without waiting", async () => {
  await resolveToken(db.pool, secret);
  await setUserRole(prisma, CLI_PRINCIPAL, "ann@x.test", "viewer");
  assert.equal((await resolveToken(db.pool, secret)).role, "viewer");
  const [t] = await prisma.apiToken.findMany();
  await revokeToken(prisma, CLI_PRINCIPAL, t.id);
  assert.equal(await refused(resolveToken(db.pool, secret)), true);

  secret = (await createToken(prisma, CLI_PRINCIPAL, { ownerEmail: "ann@x.test", name: "second" })).token;
  await resolveToken(db.pool, secret);
  await removeUser(prisma, CLI_PRINCIPAL, "ann@x.test");
  assert.equal(await refused(resolveToken(db.pool, secret)), true);
});

test("the last-used write of a check does not empty the cache, and happens once for a token in memory", async () => {
  await resolveToken(db.pool, secret);
  await until("last_used_at written", async () => {
    const r = await db.pool.query("SELECT last_used_at FROM api_tokens");
    return r.rows[0].last_used_at !== null;
  });
  const first = (await db.pool.query("SELECT last_used_at FROM api_tokens")).rows[0].last_used_at as Date;
  await new Promise((r) => setTimeout(r, 200)); // a NOTIFY, had there been one, is heard by now
  assert.equal(cache.size, 1);
  for (let i = 0; i < 5; i++) await resolveToken(db.pool, secret);
  await new Promise((r) => setTimeout(r, 100));
  const later = (await db.pool.query("SELECT last_used_at FROM api_tokens")).rows[0].last_used_at as Date;
  assert.equal(later.getTime(), first.getTime(), "written at most once a minute");
});

test("while its LISTEN connection is down nothing is served from memory; listening again, it caches again", async () => {
  await resolveToken(db.pool, secret);
  assert.equal(cache.size, 1);
  const killed = await db.pool.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN fc_token_changes%'",
  );
  assert.equal(killed.rowCount, 1);
  await until("the drop is noticed", async () => cache.ticket() === -1);
  assert.equal(cache.size, 0);
  await deleteSilently(); // no NOTIFY, and nobody listening anyway
  assert.equal(await refused(resolveToken(db.pool, secret)), true, "read from the database");
  await until("listening again", async () => cache.ticket() !== -1);
  secret = (await createToken(prisma, CLI_PRINCIPAL, { ownerEmail: "ann@x.test", name: "third" })).token;
  await resolveToken(db.pool, secret);
  assert.equal(cache.size, 1);
});

test("a read that overlapped a change is not kept; other pools never use the cache", async () => {
  const ticket = cache.ticket();
  cache.forget(); // a change heard while the read was in flight
  cache.store("h", ticket, { stale: true });
  assert.equal(cache.get("h"), undefined);
  cache.store("h", cache.ticket(), { fresh: true });
  assert.deepEqual(cache.get("h"), { fresh: true });
  assert.equal(cache.get("h", Date.now() + 61_000), undefined, "entries expire after a minute");

  const other = await createTestDatabase();
  try {
    assert.equal(tokenCacheFor(other.pool), undefined);
    assert.equal(tokenCacheFor(db.pool), cache);
  } finally {
    await other.close();
  }
});

test("a LISTEN connection that goes silent is taken for dead; a heartbeat heard again revives the cache, emptied", async () => {
  await disableTokenCache();
  // A heartbeat far apart: nothing is heard once the LISTEN is in place, as on a connection a
  // firewall dropped without a word.
  cache = enableTokenCache(db.pool, { databaseUrl: db.url, heartbeatMs: 60_000, silentMs: 300 });
  await cache.ready;
  await resolveToken(db.pool, secret);
  assert.equal(cache.size, 1);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(cache.ticket(), -1, "silent for longer than silentMs");
  await deleteSilently();
  assert.equal(await refused(resolveToken(db.pool, secret)), true, "read from the database, not from memory");
  await db.pool.query("SELECT pg_notify($1, 'ping')", [TOKEN_CHANGES_CHANNEL]);
  await until("the heartbeat is heard", async () => cache.ticket() !== -1);
  assert.equal(cache.size, 0, "what was kept before the silence is forgotten");
});

test("the heartbeat itself keeps the cache live and does not empty it", async () => {
  await disableTokenCache();
  cache = enableTokenCache(db.pool, { databaseUrl: db.url, heartbeatMs: 50, silentMs: 300 });
  await cache.ready;
  await resolveToken(db.pool, secret);
  await new Promise((r) => setTimeout(r, 700));
  assert.notEqual(cache.ticket(), -1);
  assert.equal(cache.size, 1);
  await deleteSilently();
  assert.equal((await resolveToken(db.pool, secret)).email, "ann@x.test", "still answered from memory");
});

test("stopped while it connects, the cache stays stopped", async () => {
  await disableTokenCache();
  const c = new TokenCache(db.pool, { databaseUrl: db.url });
  await c.stop(); // before its LISTEN is in place
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(c.ticket(), -1);
  const r = await db.pool.query(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN fc_token_changes%'",
  );
  assert.equal(r.rows[0].n, 0, "no LISTEN connection left behind");
});
