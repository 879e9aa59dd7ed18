// The overview's certificate panel against a real PostgreSQL: expiry dates seen ahead of time
// (alert_states, from attempts and checks), soonest first; past ones are not "expiring".
import assert from "node:assert/strict";
import { test } from "node:test";
import { db, insert, viewer } from "../destinations/console-test-db";
import { getOverview } from "./get-overview";

test("certificates expiring: the announced expiry dates still ahead, soonest first", async () => {
  const now = 1_800_000_000_000;
  const day = 86_400_000;
  await insert([{ destination: "late.example" }, { destination: "soon.example" }, { destination: "past.example" }]);
  await db.pool.query(
    `INSERT INTO alert_states (destination, state, cert_announced_not_after)
     VALUES ('late.example', 'up', $1), ('soon.example', 'up', $2), ('past.example', 'up', $3)`,
    [now + 10 * day, now + 2 * day, now - day],
  );
  const o = await getOverview(db.pool, viewer, { range: "24h", nowMs: now });
  assert.deepEqual(
    o.certificateExpiring.map((c) => [c.destination, Number(c.notAfterMs - BigInt(now)) / day]),
    [
      ["soon.example", 2],
      ["late.example", 10],
    ],
  );
});
