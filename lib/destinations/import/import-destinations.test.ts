// Import against a real PostgreSQL (import-test-db.ts): round trip with export, upsert, bad
// lines, duplicates and room sets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { formatRecord } from "../jsonl-record";
import { importDestinations } from "./import-destinations";
import { exportMine, importText, P, pool, roomsOf, skip, timingsOf } from "./import-test-db";

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
