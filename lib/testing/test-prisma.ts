// A fresh test database (test-database.ts) with a Prisma client on its pool, for the unit tests of
// lib functions that take a PrismaClient. Apart from test-database.ts so that what imports only
// that (e2e global setup) does not load the Prisma client.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";
import { createTestDatabase, type TestDatabase } from "./test-database";

export type TestPrismaDatabase = TestDatabase & { prisma: PrismaClient };

/** close() disconnects the client, then drops the database. */
export async function createTestPrismaDatabase(): Promise<TestPrismaDatabase> {
  const db = await createTestDatabase();
  const prisma = new PrismaClient({ adapter: new PrismaPg(db.pool) });
  return {
    ...db,
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await db.close();
    },
  };
}
