import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { inTransaction, releaseConnection, trySavepoint, withSavepoint, withTransaction } from "./transaction";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
  await db.pool.query("CREATE TABLE tx_probe (n int PRIMARY KEY)");
});
after(async () => {
  await db.close();
});

const rows = async () => (await db.pool.query<{ n: number }>("SELECT n FROM tx_probe ORDER BY n")).rows.map((r) => r.n);

test("withTransaction commits what the body wrote and returns its value", async () => {
  const v = await withTransaction(db.pool, async (tx) => {
    await tx.query("INSERT INTO tx_probe VALUES (1)");
    return "done";
  });
  assert.equal(v, "done");
  assert.deepEqual(await rows(), [1]);
});

test("withTransaction rolls back everything when the body throws, and rethrows", async () => {
  await assert.rejects(
    withTransaction(db.pool, async (tx) => {
      await tx.query("INSERT INTO tx_probe VALUES (2)");
      throw new Error("boom");
    }),
    /boom/,
  );
  assert.deepEqual(await rows(), [1]);
});

test("withSavepoint undoes only its own statements; the transaction goes on", async () => {
  await withTransaction(db.pool, async (tx) => {
    await tx.query("INSERT INTO tx_probe VALUES (3)");
    await assert.rejects(
      withSavepoint(tx, "probe", async () => {
        await tx.query("INSERT INTO tx_probe VALUES (4)");
        await tx.query("INSERT INTO tx_probe VALUES (3)"); // duplicate key
      }),
    );
    await withSavepoint(tx, "probe", () => tx.query("INSERT INTO tx_probe VALUES (5)"));
  });
  assert.deepEqual(await rows(), [1, 3, 5]);
});

test("a mode opens the transaction with it (a read-only snapshot refuses writes)", async () => {
  await assert.rejects(
    withTransaction(db.pool, (tx) => tx.query("INSERT INTO tx_probe VALUES (6)"), { mode: "READ ONLY" }),
    /read-only transaction/,
  );
  assert.deepEqual(await rows(), [1, 3, 5]);
});

test("an isolation level in the mode: a snapshot does not see a commit made meanwhile", async () => {
  const seen = await withTransaction(
    db.pool,
    async (tx) => {
      const first = await tx.query("SELECT count(*)::int AS n FROM tx_probe");
      await db.pool.query("INSERT INTO tx_probe VALUES (7)"); // another connection, committed
      const second = await tx.query("SELECT count(*)::int AS n FROM tx_probe");
      return [first.rows[0].n, second.rows[0].n];
    },
    { mode: "ISOLATION LEVEL REPEATABLE READ READ ONLY" },
  );
  assert.deepEqual(seen, [3, 3]);
  assert.deepEqual(await rows(), [1, 3, 5, 7]);
});

test("inTransaction on a held connection: its session outlives the transactions", async () => {
  const client = await db.pool.connect();
  try {
    await client.query("SET application_name = 'held'");
    await inTransaction(client, (tx) => tx.query("INSERT INTO tx_probe VALUES (8)"));
    await assert.rejects(
      inTransaction(client, async (tx) => {
        await tx.query("INSERT INTO tx_probe VALUES (9)");
        throw new Error("boom");
      }),
      /boom/,
    );
    const name = await client.query("SELECT current_setting('application_name') AS n");
    assert.equal(name.rows[0].n, "held");
  } finally {
    releaseConnection(client);
  }
  assert.deepEqual(await rows(), [1, 3, 5, 7, 8]);
});

test("trySavepoint keeps the attempt when the body returns true, undoes it quietly when false", async () => {
  await db.pool.query("DELETE FROM tx_probe WHERE n > 5"); // back to the rows the earlier tests left
  await withTransaction(db.pool, async (tx) => {
    const kept = await trySavepoint(tx, "attempt", async () => {
      await tx.query("INSERT INTO tx_probe VALUES (7)");
      return true;
    });
    assert.equal(kept, true);
    const undone = await trySavepoint(tx, "attempt", async () => {
      await tx.query("INSERT INTO tx_probe VALUES (8)");
      return false;
    });
    assert.equal(undone, false);
    // A body that catches its own failed statement (the transaction is aborted) and gives up.
    const failed = await trySavepoint(tx, "attempt", async () => {
      try {
        await tx.query("INSERT INTO tx_probe VALUES (7)"); // duplicate key
        return true;
      } catch {
        return false;
      }
    });
    assert.equal(failed, false);
    // The transaction goes on after an undone attempt.
    await tx.query("INSERT INTO tx_probe VALUES (9)");
  });
  assert.deepEqual(await rows(), [1, 3, 5, 7, 9]);
});

test("trySavepoint undoes the attempt and rethrows when the body throws; the transaction goes on", async () => {
  await withTransaction(db.pool, async (tx) => {
    await assert.rejects(
      trySavepoint(tx, "attempt", async () => {
        await tx.query("INSERT INTO tx_probe VALUES (10)");
        await tx.query("INSERT INTO tx_probe VALUES (10)"); // duplicate key: the transaction is aborted
        return true;
      }),
      /duplicate key/,
    );
    await tx.query("INSERT INTO tx_probe VALUES (11)");
  });
  assert.deepEqual(await rows(), [1, 3, 5, 7, 9, 11]);
});
