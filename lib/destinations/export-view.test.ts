// The export against a real PostgreSQL: exactly the rows the list's filter selects (every
// page of it), in destination order, with exact integers and status; audited at the start.
import assert from "node:assert/strict";
import { test } from "node:test";
import { NOW, db, insert, q, viewer } from "./console-test-db";
import { STATUS_FILTERS } from "./destination-status";
import { type ExportQuery, openDestinationExport } from "./export-view";
import { listConsoleDestinations } from "./list-console-destinations";
import { parseJsonExact, type JsonNumber } from "./exact-json";

async function readAll(query: ExportQuery): Promise<{ total: bigint; text: string }> {
  const exp = await openDestinationExport(db.pool, viewer, query, NOW);
  let text = "";
  for (let s = await exp.next(); s !== null; s = await exp.next()) text += s;
  await exp.close();
  return { total: exp.total, text };
}

async function seed() {
  const rows = [];
  for (let i = 0; i < 60; i++) {
    rows.push({
      destination: `s${String(i).padStart(2, "0")}.example`,
      retry_last_ts: i % 3 === 0 ? NOW - 1000n : 0n,
      retry_interval: i % 3 === 0 ? 600_000n : 0n,
      failure_ts: i % 3 === 0 ? NOW - 50_000n : null,
      last_attempt_ts: i % 5 === 0 ? null : NOW - 2000n,
      last_outcome: i % 3 === 0 ? "failure" : "success",
      last_error_kind: i % 9 === 0 ? "IP_BLOCKED" : i % 3 === 0 ? "CONNECT_REFUSED" : null,
      lsso: i === 7 ? 9223372036854775807n : null,
      rooms: i === 1 ? 2 : 0,
    });
  }
  await insert(rows);
}

test("every status filter and a search export exactly the rows the list shows, in order", async () => {
  await seed();
  for (const status of [null, ...STATUS_FILTERS]) {
    for (const search of ["", "S1", "nothing"]) {
      const page = await listConsoleDestinations(db.pool, viewer, q({ search, status }), NOW);
      const { total, text } = await readAll({ format: "jsonl", search, status });
      const lines = text.split("\n").filter(Boolean);
      assert.equal(total, page.total, `${status} ${search}`);
      assert.deepEqual(
        lines.map((l) => (parseJsonExact(l) as Map<string, unknown>).get("destination")),
        page.items.map((d) => d.destination),
        `${status} ${search}`,
      );
      for (const [i, l] of lines.entries()) {
        assert.equal((parseJsonExact(l) as Map<string, unknown>).get("status"), page.items[i].status.kind);
      }
    }
  }
});

test("the CSV has a header, exact integers, shared rooms; the export is audited with its filter and count", async () => {
  await seed();
  await db.pool.query("TRUNCATE audit_events");
  const { text } = await readAll({ format: "csv", search: "s0", status: null });
  const lines = text.trimEnd().split("\n");
  assert.equal(
    lines[0],
    "destination,retry_last_ts,retry_interval,failure_ts,last_successful_stream_ordering,status,last_error_kind,last_error,rooms_count",
  );
  assert.equal(lines.length, 11);
  assert.ok(lines.includes("s07.example,0,0,,9223372036854775807,healthy,,,0"), lines.join("\n"));
  assert.ok(lines.includes("s01.example,0,0,,,healthy,,,2"));
  const a = await db.pool.query("SELECT action, actor, detail FROM audit_events");
  assert.deepEqual(a.rows, [
    {
      action: "destinations.export",
      actor: viewer.email,
      detail: { format: "csv", search: "s0", status: null, rows: 10 },
    },
  ]);
  const big = (await readAll({ format: "jsonl", search: "s07", status: null })).text;
  assert.equal(
    ((parseJsonExact(big.trim()) as Map<string, unknown>).get("last_successful_stream_ordering") as JsonNumber).raw,
    "9223372036854775807",
  );
});

test("more rows than a batch come through the cursor, all of them once", async () => {
  await db.pool.query(
    "INSERT INTO destinations (destination) SELECT 'b' || lpad(g::text, 5, '0') || '.test' FROM generate_series(1, 4500) g",
  );
  const { total, text } = await readAll({ format: "csv", search: "", status: null });
  const lines = text.trimEnd().split("\n");
  assert.equal(total, 4500n);
  assert.equal(lines.length, 4501);
  assert.equal(new Set(lines).size, 4501);
  assert.ok(lines[1].startsWith("b00001.test,"));
  assert.ok(lines[4500].startsWith("b04500.test,"));
});
