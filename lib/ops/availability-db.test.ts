// A destination's availability against a real PostgreSQL: the share over every kept attempt,
// and the strip in attempt order — by id as a number (9 < 10 < 99 < 100), as the timeline is.
import assert from "node:assert/strict";
import { test } from "node:test";
import { db, insert, viewer } from "../destinations/console-test-db";
import { listAttempts } from "../destinations/list-attempts";
import { getAvailability } from "./availability";

test("the strip is in attempt order and the share counts every kept attempt", async () => {
  await insert([{ destination: "a.example" }]);
  const rows: [number, string][] = [
    [100, "success"],
    [9, "failure"],
    [99, "neutral"],
    [10, "success"],
  ];
  for (const [id, outcome] of rows)
    await db.pool.query(
      "INSERT INTO attempts (id, destination, started_ts, duration_ms, trigger, outcome, stage) VALUES ($1, 'a.example', $1, 5, 'schedule', $2, 'done')",
      [id, outcome],
    );
  const a = await getAvailability(db.pool, viewer, "a.example");
  assert.deepEqual(
    a.strip.map((c) => [Number(c.id), c.outcome]),
    [
      [9, "failure"],
      [10, "success"],
      [99, "neutral"],
      [100, "success"],
    ],
  );
  assert.deepEqual([a.attempts, a.successes, a.failures], [4, 2, 1]);
  const timeline = await listAttempts(db.pool, viewer, "a.example", { limit: 3 });
  assert.deepEqual(
    timeline.map((t) => Number(t.id)),
    [100, 99, 10],
  );
});
