// The one audit writer: the row it writes, through a pg transaction and through a Prisma
// interactive transaction, and nothing left behind when the transaction rolls back.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import type { PrismaClient } from "../generated/prisma/client";
import { createTestPrismaDatabase, type TestPrismaDatabase } from "../testing/test-prisma";
import { withTransaction } from "../db/transaction";
import type { Principal } from "../auth/principal";
import { recordAudit } from "./record-audit";

let db: TestPrismaDatabase;
let prisma: PrismaClient;
let ann: Principal;
before(async () => {
  db = await createTestPrismaDatabase();
  prisma = db.prisma;
  const u = await db.pool.query<{ id: string }>(
    "INSERT INTO users (id, email, role, password_hash) VALUES (gen_random_uuid(), 'ann@x.test', 'operator', 'x') RETURNING id",
  );
  ann = { userId: u.rows[0].id, email: "ann@x.test", role: "operator", via: "console" };
});
after(() => db.close());
beforeEach(async () => {
  await db.pool.query("TRUNCATE audit_events");
});

const rows = async () =>
  (await db.pool.query("SELECT actor, actor_user_id, via, action, destination, detail FROM audit_events ORDER BY id"))
    .rows;

test("writes actor, the actor's user id, via, action, destination and detail (pg transaction)", async () => {
  await withTransaction(db.pool, (tx) =>
    recordAudit(tx, ann, {
      action: "destination.reset",
      destination: "a.example",
      detail: { retry_last_ts: "5", retry_interval: "600000", failure_ts: null },
    }),
  );
  assert.deepEqual(await rows(), [
    {
      actor: "ann@x.test",
      actor_user_id: ann.userId,
      via: "console",
      action: "destination.reset",
      destination: "a.example",
      detail: { retry_last_ts: "5", retry_interval: "600000", failure_ts: null },
    },
  ]);
});

test("no destination and no user id are stored as NULL; the pool writes a lone row", async () => {
  await recordAudit(
    db.pool,
    { userId: null, email: "fedctl", role: "admin", via: "cli" },
    {
      action: "destinations.import",
      detail: { file: "-", lines: 6, imported: 3, rooms: 2, errors: 2 },
    },
  );
  assert.deepEqual(await rows(), [
    {
      actor: "fedctl",
      actor_user_id: null,
      via: "cli",
      action: "destinations.import",
      destination: null,
      detail: { file: "-", lines: 6, imported: 3, rooms: 2, errors: 2 },
    },
  ]);
});

test("inside a rolled-back pg transaction nothing remains", async () => {
  await assert.rejects(
    withTransaction(db.pool, async (tx) => {
      await recordAudit(tx, ann, { action: "user.remove", detail: { email: "bob@x.test" } });
      throw new Error("boom");
    }),
    /boom/,
  );
  assert.deepEqual(await rows(), []);
});

test("the same row through a Prisma interactive transaction, and rolled back with it", async () => {
  await prisma.$transaction((tx) =>
    recordAudit(tx, ann, { action: "user.set_role", detail: { email: "bob@x.test", from: "viewer", to: "admin" } }),
  );
  await assert.rejects(
    prisma.$transaction(async (tx) => {
      await recordAudit(tx, ann, { action: "user.remove", detail: { email: "bob@x.test" } });
      throw new Error("boom");
    }),
    /boom/,
  );
  assert.deepEqual(await rows(), [
    {
      actor: "ann@x.test",
      actor_user_id: ann.userId,
      via: "console",
      action: "user.set_role",
      destination: null,
      detail: { email: "bob@x.test", from: "viewer", to: "admin" },
    },
  ]);
});

test("the compiler refuses an unknown action or a detail of the wrong shape", () => {
  // Never called: tsc checks these lines (npm run typecheck), the test only keeps them compiled.
  const _unchecked = (tx: typeof db.pool) => [
    // @ts-expect-error an action the code does not write
    recordAudit(tx, ann, { action: "destination.delete", detail: {} }),
    // @ts-expect-error user.add's detail needs a role
    recordAudit(tx, ann, { action: "user.add", detail: { email: "x@x.test" } }),
  ];
  assert.equal(typeof _unchecked, "function");
});
