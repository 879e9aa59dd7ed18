// `npm run db:diff`: the SQL that would take a database built by prisma/migrations to what
// prisma/schema.prisma declares (Prisma's `migrate diff`, offline; lib/db/schema-diff.ts).
// Change schema.prisma, run this, and start the new migration from what it prints.
import path from "node:path";
import { schemaDiff } from "../lib/db/schema-diff";
import { createTestDatabase } from "../lib/testing/test-database";

const db = await createTestDatabase(); // a server to make the shadow database on
try {
  const sql = await schemaDiff({ serverUrl: db.url, root: path.resolve(import.meta.dirname, "..") });
  console.log(sql || "-- schema.prisma and the migrations agree");
} finally {
  await db.close();
}
