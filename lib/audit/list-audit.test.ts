import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { listAudit } from "./list-audit";
import type { Principal } from "../auth/principal";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
  for (let i = 0; i < 7; i++) {
    await db.pool.query(
      "INSERT INTO audit_events (actor, via, action, destination, detail) VALUES ($1, $2, $3, $4, $5)",
      [
        i % 2 ? "ann@x.test" : "fedctl",
        i % 2 ? "console" : "cli",
        i < 5 ? "destination.reset" : "user.add",
        i < 5 ? `d${i % 3}.example` : null,
        JSON.stringify({ i }),
      ],
    );
  }
});
after(async () => {
  await db.close();
});
// Pages and filters as an admin reads them (the rows include team events, which non-admins
// read redacted: see the last test).
const viewer: Principal = { userId: null, email: "a@x.test", role: "admin", via: "console" };

test("newest first, keyset pages", async () => {
  const p1 = await listAudit(db.pool, viewer, { limit: 3 });
  assert.deepEqual(
    p1.items.map((a) => (a.detail as { i: number }).i),
    [6, 5, 4],
  );
  assert.ok(p1.nextBefore !== null);
  const p2 = await listAudit(db.pool, viewer, { limit: 3, before: p1.nextBefore! });
  assert.deepEqual(
    p2.items.map((a) => (a.detail as { i: number }).i),
    [3, 2, 1],
  );
  const p3 = await listAudit(db.pool, viewer, { limit: 3, before: p2.nextBefore! });
  assert.deepEqual(
    p3.items.map((a) => (a.detail as { i: number }).i),
    [0],
  );
  assert.equal(p3.nextBefore, null);
});

test("filters by actor (case-insensitive), destination and action, combined", async () => {
  assert.deepEqual(
    (await listAudit(db.pool, viewer, { actor: "ANN@x.test" })).items.map((a) => (a.detail as { i: number }).i),
    [5, 3, 1],
  );
  assert.deepEqual(
    (await listAudit(db.pool, viewer, { destination: "d0.example" })).items.map((a) => (a.detail as { i: number }).i),
    [3, 0],
  );
  assert.deepEqual(
    (await listAudit(db.pool, viewer, { actor: "fedctl", destination: "d1.example" })).items.map(
      (a) => (a.detail as { i: number }).i,
    ),
    [4],
  );
  assert.deepEqual(
    (await listAudit(db.pool, viewer, { action: "user.add" })).items.map((a) => a.via),
    ["cli", "console"],
  );
  assert.deepEqual((await listAudit(db.pool, viewer, { destination: "nope" })).items, []);
});

test("team and token events: admins read them in full; others only their own, and of the rest neither who nor what", async () => {
  const me = "00000000-0000-4000-8000-000000000001";
  const boss = "00000000-0000-4000-8000-000000000002";
  const base = await db.pool.query<{ id: string }>("SELECT coalesce(max(id), 0)::text AS id FROM audit_events");
  const events: [string, string | null, string, object][] = [
    ["boss@x.test", boss, "user.add", { email: "secret-member@x.test", role: "operator" }],
    ["boss@x.test", boss, "user.set_role", { email: "v@x.test", from: "viewer", to: "operator" }],
    ["fedctl", null, "user.remove", { email: "gone@x.test" }],
    ["boss@x.test", boss, "token.create", { owner: "boss@x.test", name: "deploy bot", prefix: "fct_abcd" }],
    ["v@x.test", me, "token.create", { owner: "v@x.test", name: "my laptop", prefix: "fct_mine" }],
    ["boss@x.test", boss, "destination.reset", { retry_last_ts: "5", retry_interval: "6", failure_ts: null }],
  ];
  for (const [actor, userId, action, detail] of events)
    await db.pool.query(
      "INSERT INTO audit_events (actor, actor_user_id, via, action, detail) VALUES ($1, $2, 'console', $3, $4)",
      [actor, userId, action, JSON.stringify(detail)],
    );
  const after = <R extends { id: bigint }>(rows: R[]) => rows.filter((r) => r.id > BigInt(base.rows[0].id));
  const asViewer: Principal = { userId: me, email: "v@x.test", role: "viewer", via: "console" };
  const asOperator: Principal = { ...asViewer, role: "operator" };
  const asAdmin: Principal = { userId: boss, email: "boss@x.test", role: "admin", via: "console" };

  const full = after((await listAudit(db.pool, asAdmin, {})).items);
  assert.equal(full.length, 6);
  assert.ok(full.every((r) => !r.redacted && r.actor !== null && r.detail !== null));
  // newest first by number (ids 8…13 here: a text order would put 9 first)
  const all = (await listAudit(db.pool, asAdmin, {})).items.map((r) => r.id);
  assert.deepEqual(
    all,
    [...all].sort((a, b) => (a > b ? -1 : 1)),
  );

  for (const who of [asViewer, asOperator]) {
    const seen = after((await listAudit(db.pool, who, {})).items);
    assert.deepEqual(
      seen.map((r) => [r.action, r.actor, r.redacted]),
      [
        ["destination.reset", "boss@x.test", false],
        ["token.create", "v@x.test", false],
        ["token.create", null, true],
        ["user.remove", null, true],
        ["user.set_role", null, true],
        ["user.add", null, true],
      ],
    );
    const text = JSON.stringify(seen.filter((r) => r.redacted).map(({ id, ...r }) => ({ ...r, id: String(id) })));
    for (const secret of ["secret-member", "operator", "deploy bot", "fct_abcd", "gone@x.test", "boss@x.test"])
      assert.ok(!text.includes(secret), `${secret} hidden from ${who.role}`);
    assert.deepEqual(seen[1].detail, { owner: "v@x.test", name: "my laptop", prefix: "fct_mine" });
    // filtering by someone does not reveal which team events they did
    assert.deepEqual(
      after((await listAudit(db.pool, who, { actor: "boss@x.test" })).items).map((r) => r.action),
      ["destination.reset"],
    );
    assert.deepEqual(after((await listAudit(db.pool, who, { actor: "fedctl" })).items), []);
    assert.deepEqual(
      after((await listAudit(db.pool, who, { actor: "v@x.test" })).items).map((r) => r.action),
      ["token.create"],
    );
  }
  assert.deepEqual(
    after((await listAudit(db.pool, asAdmin, { actor: "boss@x.test" })).items).map((r) => r.action),
    ["destination.reset", "token.create", "user.set_role", "user.add"],
  );
});
