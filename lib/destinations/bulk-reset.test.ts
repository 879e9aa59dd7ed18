// The console's bulk reset against a real PostgreSQL (console-test-db.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "../errors";
import { bulkResetConnections, countBulkReset } from "./bulk-reset";
import { db, insert, NOW, operator, q, viewer } from "./console-test-db";
import { destinationStatus } from "./destination-status";
import { listConsoleDestinations } from "./list-console-destinations";

test("bulk reset: operator only; resets exactly the failing rows matching the filter, wakes them, one audit event", async () => {
  await insert([
    { destination: "x1.fail", retry_last_ts: NOW - 5n, retry_interval: 600_000n, failure_ts: NOW - 50n },
    {
      destination: "x2.fail",
      retry_last_ts: NOW - 5n,
      retry_interval: 600_000n,
      failure_ts: NOW - 50n,
      last_error_kind: "IP_BLOCKED",
    },
    { destination: "y.fail", retry_last_ts: NOW - 5n, retry_interval: 600_000n },
    { destination: "x3.ok", last_attempt_ts: NOW },
  ]);
  const f = { search: "x", status: "failing" as const };
  await assert.rejects(countBulkReset(db.pool, viewer, f, NOW), (e) => e instanceof AppError && e.code === "forbidden");
  await assert.rejects(
    bulkResetConnections(db.pool, viewer, f, NOW),
    (e) => e instanceof AppError && e.code === "forbidden",
  );
  assert.equal(await countBulkReset(db.pool, operator, f, NOW), 2n);
  assert.equal(await countBulkReset(db.pool, operator, { search: "x", status: "blocked" }, NOW), 1n);
  assert.equal(await countBulkReset(db.pool, operator, { search: "", status: null }, NOW), 3n);
  const r = await bulkResetConnections(db.pool, operator, f, NOW);
  assert.equal(r.count, 2n);
  const rows = (
    await db.pool.query(
      "SELECT destination, retry_last_ts::text, failure_ts, wake_requested_at::text FROM destinations ORDER BY destination",
    )
  ).rows;
  assert.deepEqual(rows, [
    { destination: "x1.fail", retry_last_ts: "0", failure_ts: null, wake_requested_at: String(NOW) },
    { destination: "x2.fail", retry_last_ts: "0", failure_ts: null, wake_requested_at: String(NOW) },
    { destination: "x3.ok", retry_last_ts: "0", failure_ts: null, wake_requested_at: null },
    { destination: "y.fail", retry_last_ts: String(NOW - 5n), failure_ts: null, wake_requested_at: null },
  ]);
  const audit = (await db.pool.query("SELECT actor, via, action, destination, detail FROM audit_events")).rows;
  assert.deepEqual(audit, [
    {
      actor: "op@x.test",
      via: "console",
      action: "destination.bulk_reset",
      destination: null,
      detail: { count: 2, search: "x", status: "failing" },
    },
  ]);
  // The reset rows now read as "Retrying now" until the scheduler has attempted them.
  const after = await listConsoleDestinations(db.pool, viewer, q({ status: "retrying" }), NOW);
  assert.deepEqual(
    after.items.map((d) => d.destination),
    ["x1.fail", "x2.fail"],
  );
  assert.equal(destinationStatus(after.items[0], NOW).kind, "retrying");
});
