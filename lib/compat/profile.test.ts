// GET /profile/<user_id>: admins see every member; others only themselves, and another
// member's id answers exactly as an unknown one does.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { PrismaClient } from "../generated/prisma/client";
import { createTestPrismaDatabase, type TestPrismaDatabase } from "../testing/test-prisma";
import { toMatrixError } from "../http/matrix-errors";
import type { Principal } from "../auth/principal";
import { getProfile } from "./profile";
import { toMatrixUserId } from "./matrix-user-id";

const HS = "e2e.test";
let db: TestPrismaDatabase;
let prisma: PrismaClient;
before(async () => {
  db = await createTestPrismaDatabase();
  prisma = db.prisma;
  await db.pool.query(
    "INSERT INTO users (id, email, role) VALUES (gen_random_uuid(), 'boss@x.test', 'admin'), (gen_random_uuid(), 'op@x.test', 'operator'), (gen_random_uuid(), 'v@x.test', 'viewer')",
  );
});
after(() => db.close());

const as = (email: string, role: Principal["role"]): Principal => ({ userId: null, email, role, via: "api" });
const id = (email: string) => toMatrixUserId(email, HS);
async function answer(actor: Principal, userId: string) {
  try {
    return { status: 200, body: await getProfile(prisma, actor, userId, HS) };
  } catch (e) {
    return toMatrixError(e);
  }
}

test("admins read every member's profile", async () => {
  for (const email of ["boss@x.test", "op@x.test", "v@x.test"])
    assert.deepEqual(await answer(as("boss@x.test", "admin"), id(email)), {
      status: 200,
      body: { displayname: email },
    });
});

test("others read their own; another member's id answers exactly as an unknown one", async () => {
  const notFound = { status: 404, body: { errcode: "M_NOT_FOUND", error: "Profile was not found" } };
  for (const me of [as("v@x.test", "viewer"), as("op@x.test", "operator")]) {
    assert.deepEqual(await answer(me, id(me.email)), { status: 200, body: { displayname: me.email } });
    for (const other of [
      id("boss@x.test"),
      id(me.email === "v@x.test" ? "op@x.test" : "v@x.test"),
      id("nobody@x.test"),
      "@x:elsewhere.test",
      "junk",
    ])
      assert.deepEqual(await answer(me, other), notFound, `${me.email} → ${other}`);
  }
});
