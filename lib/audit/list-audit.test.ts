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
const viewer: Principal = { userId: null, email: "v@x.test", role: "viewer", via: "console" };

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
