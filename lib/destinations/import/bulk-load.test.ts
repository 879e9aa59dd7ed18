// The empty-table bulk load of importDestinations, on a fresh database of its own (the load
// needs an empty table): same result as the per-batch path, every index back with its exact
// definition, and nothing left behind when the import fails half-way.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";
import { importDestinations } from "./import-destinations";
import { exportDestinations } from "../export-destinations";
import { formatRecord } from "../jsonl-record";
import { refreshOrderMarks } from "../order-marks";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db?.close();
});

type IndexDef = { name: string; def: string; valid: boolean };

async function indexes(): Promise<IndexDef[]> {
  const r = await db.pool.query<IndexDef>(`
    SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def, i.indisvalid AS valid
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    WHERE i.indrelid IN ('destinations'::regclass, 'destination_rooms'::regclass, 'destination_names'::regclass)
    ORDER BY c.relname`);
  return r.rows;
}

async function clear(): Promise<void> {
  await db.pool.query("DELETE FROM destinations");
}

function lines(n: number, prefix: string): string[] {
  return Array.from({ length: n }, (_, i) =>
    formatRecord({
      destination: `${prefix}${String(i).padStart(5, "0")}.example`,
      retryLastTs: BigInt(i % 3 === 0 ? 1_700_000_000_000 + i : 0),
      retryInterval: BigInt(i % 3 === 0 ? 600_000 * (i % 7) : 0),
      failureTs: i % 3 === 0 ? BigInt(1_600_000_000_000 + i) : null,
      lastSuccessfulStreamOrdering: i % 5 === 0 ? null : BigInt(i),
      rooms: Array.from({ length: i % 4 }, (_, j) => ({ roomId: `!r${j}:${prefix}${i}`, streamOrdering: BigInt(j) })),
    }),
  );
}

async function exportAll(): Promise<string[]> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  await exportDestinations(out, { pool: db.pool, withRooms: true, pageSize: 100 });
  out.end();
  return Buffer.concat(chunks).toString("utf8").split("\n").filter(Boolean);
}

async function consistent(): Promise<void> {
  const r = await db.pool.query<{ bad_rooms: number; count_ok: boolean; bad_blocks: number }>(`
    SELECT (SELECT count(*) FROM destinations d
             WHERE d.rooms_count <> (SELECT count(*) FROM destination_rooms r WHERE r.destination = d.destination))::int AS bad_rooms,
           (SELECT n FROM destination_count) = (SELECT count(*) FROM destinations) AS count_ok,
           (SELECT count(*) FROM (SELECT bound, n, lead(bound) OVER (ORDER BY bound) AS next FROM destination_blocks) b
             WHERE b.n <> (SELECT count(*) FROM destinations d WHERE d.destination >= b.bound
                            AND (b.next IS NULL OR d.destination < b.next)))::int AS bad_blocks`);
  assert.deepEqual(
    r.rows[0],
    { bad_rooms: 0, count_ok: true, bad_blocks: 0 },
    "rooms_count, destination_count and the name blocks are exact",
  );
}

test("an empty table is bulk-loaded: same rows as the per-batch path, every index rebuilt as it was", async () => {
  const before = await indexes();
  assert.ok(before.length > 10, "the schema has its secondary indexes");
  const input = lines(700, "bulk");
  // A destination repeated in a later batch: destinations' primary key stays during the load,
  // so the second line still wins (the batch falls back to the upsert, which adds the rooms'
  // primary key back first).
  input.push(
    formatRecord({
      destination: "bulk00003.example",
      retryLastTs: 5n,
      retryInterval: 6n,
      failureTs: 7n,
      lastSuccessfulStreamOrdering: 8n,
      rooms: [{ roomId: "!only:x", streamOrdering: 9n }],
    }),
  );
  // Marks of the list's other orders taken when the table held rows, and a log since: the
  // load logs none of its rows, so it must drop both.
  await db.pool.query("INSERT INTO destinations (destination) VALUES ('gone.example')");
  await refreshOrderMarks(db.pool);
  await db.pool.query("DELETE FROM destinations");
  const notes: string[] = [];
  const rep = await importDestinations(Readable.from([Buffer.from(input.join("\n"))]), {
    pool: db.pool,
    batchSize: 64,
    onNote: (m) => notes.push(m),
  });
  assert.equal(rep.bulk, true);
  const marks = await db.pool.query(
    "SELECT (SELECT count(*) FROM destination_order_marks)::int AS marks, (SELECT count(*) FROM destination_order_log)::int AS logged",
  );
  assert.deepEqual(marks.rows[0], { marks: 0, logged: 0 }, "the load dropped the order marks and their log");
  assert.equal(rep.errorCount, 0);
  assert.equal(rep.imported, 701);
  assert.ok(typeof rep.indexBuildMs === "number");
  assert.match(notes[0], /destinations is empty: loading in one transaction, \d+ indexes built at the end/);
  assert.deepEqual(await indexes(), before, "same index names and definitions, all valid");
  await consistent();
  const bulkExport = await exportAll();

  // The same input through per-batch transactions gives the same export.
  await clear();
  const rep2 = await importDestinations(Readable.from([Buffer.from(input.join("\n"))]), {
    pool: db.pool,
    batchSize: 64,
    bulk: false,
  });
  assert.equal(rep2.bulk, false);
  assert.deepEqual(await exportAll(), bulkExport);
  assert.ok(
    bulkExport.includes(
      '{"destination":"bulk00003.example","retry_last_ts":5,"retry_interval":6,"failure_ts":7,"last_successful_stream_ordering":8,"rooms":[{"room_id":"!only:x","stream_ordering":9}]}',
    ),
  );

  // Without a repeated destination the rooms' primary key comes back at the end, the same.
  await clear();
  const rep4 = await importDestinations(Readable.from([Buffer.from(lines(300, "bulk").join("\n"))]), {
    pool: db.pool,
    batchSize: 64,
  });
  assert.equal(rep4.bulk, true);
  assert.deepEqual(await indexes(), before, "the rooms' primary key is back");
  await consistent();
  await assert.rejects(
    db.pool.query(
      "INSERT INTO destination_rooms (destination, room_id, stream_ordering) VALUES ('bulk00001.example', '!r0:bulk1', 1)",
    ),
    /destination_rooms_pkey/,
  );
  await clear();
  await importDestinations(Readable.from([Buffer.from(input.join("\n"))]), { pool: db.pool, batchSize: 64 });

  // Not empty any more: the next import takes the per-batch path.
  const rep3 = await importDestinations(Readable.from([Buffer.from(lines(10, "more").join("\n"))]), { pool: db.pool });
  assert.equal(rep3.bulk, false);
  await consistent();
  await clear();
});

test("bad lines in a bulk load are reported and skipped; lines the database rejects are isolated", async () => {
  const input = lines(50, "bad");
  input.splice(10, 0, "{not json");
  // Accepted by the parser, refused by a constraint of the table: isolated by splitting the batch.
  await db.pool.query(
    `ALTER TABLE destinations ADD CONSTRAINT bulk_test_check CHECK (destination <> 'bad00020.example')`,
  );
  try {
    const rep = await importDestinations(Readable.from([Buffer.from(input.join("\n"))]), {
      pool: db.pool,
      batchSize: 16,
    });
    assert.equal(rep.bulk, true);
    assert.deepEqual(
      rep.errors.map((e) => e.line),
      [11, 22],
    );
    assert.match(rep.errors[1].message, /rejected by the database/);
    const n = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM destinations");
    assert.equal(n.rows[0].n, 49);
    await consistent();
  } finally {
    await db.pool.query(`ALTER TABLE destinations DROP CONSTRAINT bulk_test_check`);
    await clear();
  }
});

test("a bulk load that fails half-way leaves the table empty with every index in place", async () => {
  const before = await indexes();
  const good = lines(300, "fail").join("\n") + "\n";
  const input = new Readable({ read() {} });
  input.push(good);
  let seen = 0;
  const run = importDestinations(input, {
    pool: db.pool,
    batchSize: 50,
    onProgress: (n) => {
      seen = n;
      // Several batches are written inside the transaction: now the input breaks.
      if (n >= 150) input.destroy(new Error("disk went away"));
    },
  });
  await assert.rejects(run, /disk went away/);
  assert.ok(seen >= 150);
  const n = await db.pool.query<{ n: number; c: number }>(
    "SELECT (SELECT count(*) FROM destinations)::int AS n, (SELECT n FROM destination_count)::int AS c",
  );
  assert.deepEqual(n.rows[0], { n: 0, c: 0 });
  assert.deepEqual(await indexes(), before);
  // And the table is usable: the next import loads it.
  const rep = await importDestinations(Readable.from([Buffer.from(good)]), { pool: db.pool, batchSize: 50 });
  assert.equal(rep.bulk, true);
  assert.equal(rep.imported, 300);
  await consistent();
  await clear();
});

test("a session holding the table makes the import fall back to per-batch transactions", async () => {
  const holder = new pg.Client({ connectionString: db.url });
  await holder.connect();
  try {
    await holder.query("BEGIN");
    await holder.query("SELECT count(*) FROM destinations"); // ACCESS SHARE until COMMIT
    const t = Date.now();
    const rep = await importDestinations(Readable.from([Buffer.from(lines(20, "busy").join("\n"))]), {
      pool: db.pool,
      batchSize: 8,
    });
    assert.equal(rep.bulk, false, "did not wait for the lock beyond its timeout");
    assert.equal(rep.imported, 20);
    assert.ok(Date.now() - t < 15_000);
    await holder.query("COMMIT");
  } finally {
    await holder.end();
  }
  await consistent();
  await clear();
});
