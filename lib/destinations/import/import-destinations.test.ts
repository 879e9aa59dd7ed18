// Import/export against a real PostgreSQL: TEST_DATABASE_URL if set, else a fresh database
// fc_unit_<random> created on the local server (postgresql://postgres@127.0.0.1:5432) and
// dropped afterwards. Skipped only when neither is reachable.
// Every destination name carries a per-run prefix, so a shared TEST_DATABASE_URL is not
// disturbed: the tests only look at (and finally delete) their own rows.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { PassThrough, Readable, Writable } from "node:stream";
import pg from "pg";
import { getDb, closeDb } from "@/lib/db";
import { importDestinations } from "./import-destinations";
import { exportDestinations } from "../export-destinations";
import { formatRecord } from "../jsonl-record";

const LOCAL_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

let createdDb: string | undefined;
let skip: string | false = false;
if (process.env.TEST_DATABASE_URL) {
  process.env.DATABASE_URL = process.env.TEST_DATABASE_URL;
  if (!(await reachable(process.env.TEST_DATABASE_URL))) skip = "TEST_DATABASE_URL is not reachable";
} else if (await reachable(LOCAL_ADMIN_URL)) {
  createdDb = `fc_unit_${crypto.randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: LOCAL_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${createdDb}`);
  await admin.end();
  process.env.DATABASE_URL = `postgresql://postgres@127.0.0.1:5432/${createdDb}`;
} else {
  skip = "no database: set TEST_DATABASE_URL or run PostgreSQL on 127.0.0.1:5432";
}

const P = `t${crypto.randomBytes(4).toString("hex")}-`; // this run's destination prefix

after(async () => {
  if (skip) return;
  if (!createdDb) {
    const { pool } = await getDb();
    await pool.query(`DELETE FROM destinations WHERE starts_with(destination, $1)`, [P]);
  }
  await closeDb();
  if (createdDb) {
    const admin = new pg.Client({ connectionString: LOCAL_ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${createdDb} WITH (FORCE)`);
    await admin.end();
  }
});

async function pool(): Promise<pg.Pool> {
  return (await getDb({ log: () => {} })).pool;
}

async function importText(text: string, batchSize?: number) {
  return importDestinations(Readable.from([Buffer.from(text)]), { pool: await pool(), batchSize });
}

/** Exported lines of this run's destinations (a shared database may hold others). */
async function exportMine(withRooms?: boolean): Promise<string[]> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  await exportDestinations(out, { pool: await pool(), withRooms, pageSize: 3 });
  out.end();
  return Buffer.concat(chunks)
    .toString("utf8")
    .split("\n")
    .filter((l) => l.startsWith(`{"destination":"${P}`));
}

async function roomsOf(dest: string): Promise<[string, string][]> {
  const r = await (await pool()).query<{ room_id: string; stream_ordering: string }>(
    `SELECT room_id, stream_ordering::text FROM destination_rooms WHERE destination = $1 ORDER BY room_id`,
    [dest],
  );
  return r.rows.map((x) => [x.room_id, x.stream_ordering]);
}

async function timingsOf(dest: string) {
  const r = await (await pool()).query(
    `SELECT retry_last_ts::text, retry_interval::text, failure_ts::text, last_successful_stream_ordering::text
     FROM destinations WHERE destination = $1`,
    [dest],
  );
  return r.rows[0];
}

test("import then export round-trips exactly (2^63-1, 2^53+1, rooms, odd names)", { skip }, async () => {
  const lines = [
    // retry_last_ts + retry_interval exceeds int64 (indexes that add them must not overflow).
    formatRecord({
      destination: `${P}a.example.org`,
      retryLastTs: 9223372036854775807n,
      retryInterval: 9007199254740993n,
      failureTs: 9007199254740993n,
      lastSuccessfulStreamOrdering: -9223372036854775808n,
      rooms: [
        { roomId: "!b:x", streamOrdering: 9007199254740993n },
        { roomId: "!a:x", streamOrdering: 1n },
        { roomId: "!tab\\back\tslash:x".replace("\t", "_"), streamOrdering: -1n },
      ],
    }),
    formatRecord({
      destination: `${P}b.example.org:8448`,
      retryLastTs: 9223372036854775807n,
      retryInterval: 0n,
      failureTs: 9223372036854775807n,
      lastSuccessfulStreamOrdering: 9223372036854775807n,
      rooms: [],
    }),
    formatRecord({
      destination: `${P}[2001:db8::1]:8448`,
      retryLastTs: 5n,
      retryInterval: 600000n,
      failureTs: 1n,
      lastSuccessfulStreamOrdering: 42n,
      rooms: [{ roomId: "!é😀:x", streamOrdering: 3n }],
    }),
    formatRecord({
      destination: `${P}c\\"quoted"`,
      retryLastTs: 0n,
      retryInterval: 0n,
      failureTs: null,
      lastSuccessfulStreamOrdering: 7n,
      rooms: [],
    }),
    formatRecord({
      destination: `${P}Z-upper`,
      retryLastTs: 0n,
      retryInterval: 0n,
      failureTs: null,
      lastSuccessfulStreamOrdering: null,
      rooms: [],
    }),
    formatRecord({
      destination: `${P}ü-nonascii`,
      retryLastTs: 0n,
      retryInterval: 0n,
      failureTs: null,
      lastSuccessfulStreamOrdering: null,
      rooms: [],
    }),
  ];
  const rep = await importText(lines.join("\n") + "\n", 2);
  const { lines: n, imported, rooms, errors, errorCount } = rep;
  assert.deepEqual(
    { lines: n, imported, rooms, errors, errorCount },
    { lines: 6, imported: 6, rooms: 4, errors: [], errorCount: 0 },
  );

  // Export: byte order (C collation), rooms ordered by room_id.
  const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  const dest = (l: string) => JSON.parse(l).destination as string;
  const expected = lines
    .map((l) => {
      const o = JSON.parse(l);
      return { l, d: o.destination as string };
    })
    .sort((x, y) => byteOrder(x.d, y.d))
    .map((x) => x.l);
  const exported = await exportMine();
  assert.deepEqual(exported.map(dest), expected.map(dest));
  assert.equal(
    exported[expected.map(dest).indexOf(`${P}a.example.org`)],
    `{"destination":"${P}a.example.org","retry_last_ts":9223372036854775807,"retry_interval":9007199254740993,` +
      `"failure_ts":9007199254740993,"last_successful_stream_ordering":-9223372036854775808,"rooms":[` +
      `{"room_id":"!a:x","stream_ordering":1},{"room_id":"!b:x","stream_ordering":9007199254740993},` +
      `{"room_id":"!tab\\\\back_slash:x","stream_ordering":-1}]}`,
  );

  // Re-importing the export changes nothing and exports identically.
  const rep2 = await importText(exported.join("\n"));
  assert.equal(rep2.errorCount, 0);
  assert.deepEqual(await exportMine(), exported);

  // Without rooms: no rooms key.
  const bare = await exportMine(false);
  assert.ok(bare.every((l) => !l.includes(`"rooms"`)));
  assert.equal(bare.length, exported.length);
});

test("upsert updates existing destinations and keeps other columns", { skip }, async () => {
  const d = `${P}upsert.example`;
  await importText(
    JSON.stringify({
      destination: d,
      retry_last_ts: 1,
      retry_interval: 2,
      failure_ts: 3,
      last_successful_stream_ordering: 4,
    }),
  );
  await (await pool()).query(`UPDATE destinations SET last_error_message = 'kept' WHERE destination = $1`, [d]);
  const rep = await importText(`{"destination":"${d}","retry_last_ts":9007199254740993,"retry_interval":600000}`);
  assert.equal(rep.imported, 1);
  assert.deepEqual(await timingsOf(d), {
    retry_last_ts: "9007199254740993",
    retry_interval: "600000",
    failure_ts: null,
    last_successful_stream_ordering: null,
  });
  const r = await (await pool()).query(`SELECT last_error_message FROM destinations WHERE destination = $1`, [d]);
  assert.equal(r.rows[0].last_error_message, "kept");
});

test("bad lines are reported by number and not imported; good lines are", { skip }, async () => {
  const good1 = `${P}good1.example`;
  const good2 = `${P}good2.example`;
  const text = [
    `{"destination":"${good1}","rooms":[{"room_id":"!r:x","stream_ordering":1}]}`, // 1
    ``, // 2 blank
    `{"destination":"${P}bad-float.example","retry_interval":1.5}`, // 3
    `not json`, // 4
    `{"destination":"${P}bad-room.example","rooms":[{"room_id":"!ok:x","stream_ordering":1},{"room_id":"","stream_ordering":2}]}`, // 5
    `   \r`, // 6 blank
    `{"destination":"${P}bad-range.example","retry_last_ts":9223372036854775808}`, // 7
    `{"destination":"${P}bad-field.example","color":"red"}`, // 8
    `{"destination":"${good2}"}\r`, // 9 (CRLF)
  ].join("\n");
  const rep = await importText(text, 2);
  assert.equal(rep.lines, 9);
  assert.equal(rep.imported, 2);
  assert.equal(rep.rooms, 1);
  assert.equal(rep.errorCount, 5);
  assert.deepEqual(
    rep.errors.map((e) => e.line),
    [3, 4, 5, 7, 8],
  );
  assert.match(rep.errors[0].message, /retry_interval must be an integer/);
  assert.match(rep.errors[1].message, /invalid JSON/);
  assert.match(rep.errors[2].message, /rooms\[1\]\.room_id must not be empty/);
  assert.match(rep.errors[3].message, /retry_last_ts is out of range/);
  assert.match(rep.errors[4].message, /unknown field "color"/);
  const names = (await exportMine()).map((l) => JSON.parse(l).destination);
  assert.ok(names.includes(good1) && names.includes(good2));
  assert.ok(!names.some((n: string) => n.includes("bad-")), "nothing of a bad line is written");
  const rooms = await (await pool()).query(`SELECT count(*)::int AS n FROM destination_rooms WHERE room_id = '!ok:x'`);
  assert.equal(rooms.rows[0].n, 0);
});

test("error list is bounded but every error is counted", { skip }, async () => {
  const rep = await importDestinations(Readable.from([Buffer.from("x\n".repeat(1500))]), {
    pool: await pool(),
    maxErrors: 10,
  });
  assert.equal(rep.errorCount, 1500);
  assert.equal(rep.errors.length, 10);
  assert.equal(rep.errors[9].line, 10);
});

test("duplicate destinations in one batch: last line wins, last rooms-carrying line sets rooms", { skip }, async () => {
  const d = `${P}dup.example`;
  const e = `${P}dup2.example`;
  const text = [
    `{"destination":"${d}","retry_last_ts":1,"rooms":[{"room_id":"!1:x","stream_ordering":1}]}`,
    `{"destination":"${e}","retry_last_ts":1,"rooms":[{"room_id":"!1:x","stream_ordering":1}]}`,
    `{"destination":"${d}","retry_last_ts":2,"rooms":[{"room_id":"!2:x","stream_ordering":2},{"room_id":"!3:x","stream_ordering":3}]}`,
    `{"destination":"${d}","retry_last_ts":3}`,
    `{"destination":"${e}","retry_last_ts":4,"rooms":[]}`,
  ].join("\n");
  const rep = await importText(text, 100);
  assert.equal(rep.errorCount, 0);
  assert.equal(rep.imported, 5);
  assert.equal((await timingsOf(d)).retry_last_ts, "3");
  assert.deepEqual(await roomsOf(d), [
    ["!2:x", "2"],
    ["!3:x", "3"],
  ]);
  assert.equal((await timingsOf(e)).retry_last_ts, "4");
  assert.deepEqual(await roomsOf(e), []);
});

test("a line with rooms replaces the room set; a line without leaves it alone", { skip }, async () => {
  const d = `${P}rooms.example`;
  await importText(
    `{"destination":"${d}","rooms":[{"room_id":"!a:x","stream_ordering":1},{"room_id":"!b:x","stream_ordering":2}]}`,
  );
  assert.deepEqual(await roomsOf(d), [
    ["!a:x", "1"],
    ["!b:x", "2"],
  ]);
  // Replace: !a gone, !b updated, !c added.
  await importText(
    `{"destination":"${d}","rooms":[{"room_id":"!b:x","stream_ordering":9007199254740993},{"room_id":"!c:x","stream_ordering":3}]}`,
  );
  assert.deepEqual(await roomsOf(d), [
    ["!b:x", "9007199254740993"],
    ["!c:x", "3"],
  ]);
  // No rooms key / rooms null: untouched.
  await importText(`{"destination":"${d}","retry_last_ts":5}\n{"destination":"${d}","rooms":null}`);
  assert.deepEqual(await roomsOf(d), [
    ["!b:x", "9007199254740993"],
    ["!c:x", "3"],
  ]);
  // Empty array clears.
  await importText(`{"destination":"${d}","rooms":[]}`);
  assert.deepEqual(await roomsOf(d), []);
});

test("many lines across batches, input in odd-sized chunks", { skip }, async () => {
  const n = 2500;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(
      formatRecord({
        destination: `${P}bulk${String(i).padStart(5, "0")}.example`,
        retryLastTs: BigInt(i),
        retryInterval: 0n,
        failureTs: null,
        lastSuccessfulStreamOrdering: 9007199254740993n + BigInt(i),
        rooms: i % 3 ? [{ roomId: `!r${i}:ü`, streamOrdering: BigInt(i) }] : undefined,
      }),
    );
  }
  // Split the bytes at every 7th byte, cutting through multi-byte characters.
  const bytes = Buffer.from(lines.join("\n"));
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 7) parts.push(bytes.subarray(i, i + 7));
  const progress: number[] = [];
  const rep = await importDestinations(Readable.from(parts), {
    pool: await pool(),
    batchSize: 1000,
    onProgress: (x) => progress.push(x),
  });
  assert.equal(rep.imported, n);
  assert.equal(rep.errorCount, 0);
  assert.equal(progress.at(-1), n);
  const exported = (await exportMine()).filter((l) => l.includes("bulk"));
  assert.equal(exported.length, n);
  for (let i = 0; i < n; i++) {
    const want = i % 3 ? lines[i] : lines[i].replace(/}$/, `,"rooms":[]}`);
    assert.equal(exported[i], want);
  }
});

test("lines the database rejects are isolated and reported; the rest of the batch is written", {
  skip: skip || (!createdDb && "needs its own database"),
}, async () => {
  // A constraint only the database knows about (as a newer migration might add).
  const p = await pool();
  await p.query(`ALTER TABLE destination_rooms ADD CONSTRAINT fc_test_no_bad_rooms CHECK (room_id <> '!bad:x')`);
  try {
    const lines: string[] = [];
    for (let i = 0; i < 20; i++) {
      const room = i === 7 || i === 13 ? "!bad:x" : `!r${i}:x`;
      lines.push(
        `{"destination":"${P}dbrej${String(i).padStart(2, "0")}","rooms":[{"room_id":"${room}","stream_ordering":${i}}]}`,
      );
    }
    const rep = await importText(lines.join("\n"), 8);
    assert.equal(rep.imported, 18);
    assert.equal(rep.rooms, 18);
    assert.deepEqual(
      rep.errors.map((e) => e.line),
      [8, 14],
    );
    assert.match(rep.errors[0].message, /^rejected by the database: .*fc_test_no_bad_rooms/);
    const names = (await exportMine())
      .map((l) => JSON.parse(l).destination as string)
      .filter((n) => n.includes("dbrej"));
    assert.equal(names.length, 18);
    assert.ok(
      !names.includes(`${P}dbrej07`) && !names.includes(`${P}dbrej13`),
      "nothing of a rejected line is written",
    );
  } finally {
    await p.query(`ALTER TABLE destination_rooms DROP CONSTRAINT fc_test_no_bad_rooms`);
  }
});

test("concurrent batches: a destination repeated in later batches ends with its last line", { skip }, async () => {
  const d = `${P}order.example`;
  const lines: string[] = [];
  for (let i = 1; i <= 60; i++) {
    lines.push(`{"destination":"${d}","retry_last_ts":${i},"rooms":[{"room_id":"!r${i}:x","stream_ordering":${i}}]}`);
    lines.push(`{"destination":"${P}filler${i}.example"}`);
  }
  const progress: number[] = [];
  const rep = await importDestinations(Readable.from([Buffer.from(lines.join("\n") + "\n\n")]), {
    pool: await pool(),
    batchSize: 3,
    concurrency: 4,
    onProgress: (n) => progress.push(n),
  });
  assert.equal(rep.imported, 120);
  assert.equal(rep.lines, 121);
  assert.equal((await timingsOf(d)).retry_last_ts, "60");
  assert.deepEqual(await roomsOf(d), [["!r60:x", "60"]]);
  assert.deepEqual(
    progress,
    [...progress].sort((a, b) => a - b),
    "progress is monotonic",
  );
  assert.equal(progress.at(-1), 121);
});

async function roomsCountConsistent(prefix: string): Promise<void> {
  const p = await pool();
  const col = await p.query(
    `SELECT 1 FROM information_schema.columns WHERE table_name = 'destinations' AND column_name = 'rooms_count'`,
  );
  if (col.rowCount === 0) return; // schema without the counter
  const bad = await p.query(
    `SELECT d.destination, d.rooms_count, (SELECT count(*) FROM destination_rooms r WHERE r.destination = d.destination)::int AS n
     FROM destinations d WHERE starts_with(d.destination, $1)
       AND d.rooms_count <> (SELECT count(*) FROM destination_rooms r WHERE r.destination = d.destination)`,
    [prefix],
  );
  assert.deepEqual(bad.rows, [], "rooms_count matches the rooms");
}

for (const fastPath of [true, false]) {
  test(`first import then re-import with changes (fastPath option ${fastPath}): same data, rooms_count kept`, {
    skip,
  }, async () => {
    const q = `${P}fp${fastPath ? 1 : 0}-`;
    const mk = (i: number, rooms: number, so: bigint) =>
      formatRecord({
        destination: `${q}${String(i).padStart(3, "0")}`,
        retryLastTs: BigInt(i),
        retryInterval: 0n,
        failureTs: null,
        lastSuccessfulStreamOrdering: null,
        rooms: Array.from({ length: rooms }, (_, j) => ({ roomId: `!${j}:x`, streamOrdering: so + BigInt(j) })),
      });
    const first = Array.from({ length: 50 }, (_, i) => mk(i, i % 4, 1n));
    const rep = await importDestinations(Readable.from([Buffer.from(first.join("\n"))]), {
      pool: await pool(),
      batchSize: 7,
      fastPath,
    });
    assert.equal(rep.errorCount, 0);
    if (!fastPath) assert.equal(rep.fastPath, false);
    else if (createdDb) {
      // Our own database as superuser: the fast path must be available. If this fails, the
      // triggers on destination_rooms changed: review fast-path.ts
      // (what it reproduces, KNOWN_COUNT_INS_MD5) before updating it.
      assert.equal(rep.fastPath, true, "first-import fast path unavailable: destination_rooms triggers changed?");
    }
    await roomsCountConsistent(q);
    // Second import: 20 existing with other room sets, 10 new.
    const second = Array.from({ length: 30 }, (_, k) => mk(k + 30, (k + 1) % 5, 9007199254740993n));
    const rep2 = await importDestinations(Readable.from([Buffer.from(second.join("\n"))]), {
      pool: await pool(),
      batchSize: 7,
      fastPath,
    });
    assert.equal(rep2.errorCount, 0);
    await roomsCountConsistent(q);
    const want = [...first.slice(0, 30), ...second];
    const got = (await exportMine()).filter((l) => l.startsWith(`{"destination":"${q}`));
    assert.deepEqual(got, want);
  });
}

test("export waits for a slow output (backpressure) and stops on an output error", { skip }, async () => {
  const p = await pool();
  await importText(
    Array.from(
      { length: 40 },
      (_, i) => `{"destination":"${P}slow${i}","rooms":[{"room_id":"!r:x","stream_ordering":${i}}]}`,
    ).join("\n"),
  );
  let bytes = 0;
  let maxBuffered = 0;
  const slow: Writable = new Writable({
    highWaterMark: 64,
    write(chunk: Buffer, _enc, cb) {
      maxBuffered = Math.max(maxBuffered, slow.writableLength); // this chunk + what waits behind it
      bytes += chunk.length;
      setTimeout(cb, 15);
    },
  });
  const r = await exportDestinations(slow, { pool: p, pageSize: 50 });
  assert.ok(r.destinations >= 40);
  // Ignoring backpressure would queue every page behind the first (all bytes buffered).
  assert.ok(maxBuffered > 0 && maxBuffered < bytes / 4, `buffered at most ${maxBuffered} of ${bytes} bytes`);

  let writes = 0;
  const failing = new Writable({
    write(_chunk, _enc, cb) {
      writes++;
      cb(new Error("disk full"));
    },
  });
  failing.on("error", () => {});
  await assert.rejects(exportDestinations(failing, { pool: p, pageSize: 5 }), /disk full/);
  assert.equal(writes, 1);
  // The pool is still usable (the connection was not left inside the export's transaction).
  assert.equal((await p.query("SELECT 1 AS x")).rows[0].x, 1);
});
