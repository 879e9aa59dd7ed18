// Export against a real PostgreSQL (the import tests' database, import/import-test-db.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { exportDestinations } from "./export-destinations";
import { CLI_PRINCIPAL } from "../auth/principal";
import { importText, P, pool, skip } from "./import/import-test-db";

test("export waits for a slow output (backpressure) and stops on an output error", { skip }, async () => {
  const p = await pool();
  // Enough rows for many pages of 50 (this database holds no other test's rows).
  await importText(
    Array.from(
      { length: 1000 },
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

test("an export by someone is audited with the snapshot's count, and reports its progress page by page", {
  skip,
}, async () => {
  const p = await pool();
  await importText(Array.from({ length: 120 }, (_, i) => `{"destination":"${P}audited${i}"}`).join("\n"));
  const total = (await p.query<{ n: number }>("SELECT count(*)::int AS n FROM destinations")).rows[0].n;
  const seen: Array<[number, number]> = [];
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const before = (await p.query<{ id: string }>("SELECT coalesce(max(id), 0)::text AS id FROM audit_events")).rows[0]
    .id;
  const r = await exportDestinations(sink, {
    pool: p,
    pageSize: 50,
    withRooms: false,
    actor: CLI_PRINCIPAL,
    onProgress: (written, of) => seen.push([written, of]),
  });
  assert.equal(r.destinations, total);
  assert.deepEqual(seen.at(-1), [total, total]);
  assert.ok(
    seen.every(([w, of], i) => of === total && (i === 0 || w > seen[i - 1][0])),
    "counts grow by pages",
  );
  const audit = await p.query<{ action: string; detail: unknown }>(
    "SELECT action, detail FROM audit_events WHERE id > $1",
    [before],
  );
  assert.deepEqual(audit.rows, [
    {
      action: "destinations.export",
      detail: { format: "jsonl", search: null, status: null, rows: total, rooms: false },
    },
  ]);
});
