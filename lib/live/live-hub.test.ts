// The hub against a real PostgreSQL: writers announce (announce.ts; the DELETE trigger), the
// one LISTEN connection hears, and each subscriber gets the rows it watches — coalesced, and
// only those.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";
import { LiveHub, type LiveUpdate } from "./live-hub";
import { formatLiveEvent, openLiveStream } from "./live-stream";
import { watchHash } from "./watch-hash";
import { announceChanged, livePayloads, notifyChanged } from "./announce";
import { recordAttempt } from "../federation/record-attempt";
import { DEFAULT_BACKOFF } from "../federation/backoff";

let db: TestDatabase;
let hub: LiveHub;
before(async () => {
  db = await createTestDatabase();
  hub = new LiveHub({ pool: db.pool, databaseUrl: db.url, intervalMs: 300, delayMs: 20 });
  await hub.ready;
  await db.pool.query(
    "INSERT INTO destinations (destination) SELECT 'h' || g || '.test' FROM generate_series(1, 400) g",
  );
});
after(async () => {
  await hub.stop();
  await db.close();
});

function collector(names: string[]) {
  const got: LiveUpdate[] = [];
  return { got, sub: { hashes: new Set(names.map(watchHash)), deliver: (u: LiveUpdate) => got.push(u) } };
}
const until = async (f: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
};

test("a recorded attempt reaches the page watching that row, not the others", async () => {
  const a = collector(["h1.test", "h2.test"]);
  const b = collector(["h3.test"]);
  const offA = hub.subscribe(a.sub, null);
  const offB = hub.subscribe(b.sub, null);
  await recordAttempt(
    db.pool,
    {
      destination: "h1.test",
      trigger: "schedule",
      timings: { retryLastTs: 0n, retryInterval: 0n, failureTs: null },
      wakeRequestedAt: null,
    },
    {
      outcome: "failure",
      stage: "connect",
      reason: "CONNECT_REFUSED",
      message: "refused",
      httpStatus: null,
      resolvedAddress: null,
      serverSoftware: null,
      serverVersion: null,
      durationMs: 3,
    },
    { nowMs: 5000, owner: "t", backoff: DEFAULT_BACKOFF, historyLimit: 5 },
  );
  await until(() => a.got.length > 0);
  const u = a.got[0];
  assert.equal(u.kind, "rows");
  if (u.kind !== "rows") return;
  assert.deepEqual(
    u.rows.map((r) => [r.destination, r.last_attempt_ts, r.last_outcome, r.retry_interval]),
    [["h1.test", "5000", "failure", "600000"]],
  );
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(b.got.length, 0, "a page that does not show the row hears nothing");
  offA();
  offB();
});

test("many changes within a second are one update, with every changed row", async () => {
  const a = collector(["h10.test", "h11.test", "h12.test"]);
  const off = hub.subscribe(a.sub, null);
  for (let i = 0; i < 30; i++) {
    await db.pool.query("UPDATE destinations SET retry_last_ts = $1 WHERE destination = $2", [
      1000 + i,
      `h${10 + (i % 3)}.test`,
    ]);
    announceChanged(db.pool, [`h${10 + (i % 3)}.test`]);
    await new Promise((r) => setTimeout(r, 10));
  }
  await until(() => a.got.length > 0);
  await new Promise((r) => setTimeout(r, 700));
  // Coalesced to at most one per 300 ms interval over the ~burst: far fewer than 30.
  assert.ok(a.got.length <= 4, `updates: ${a.got.length}`);
  const last = a.got[a.got.length - 1];
  assert.equal(last.kind, "rows");
  if (last.kind === "rows") assert.ok(last.rows.some((r) => r.retry_last_ts === "1029" || r.retry_last_ts === "1027"));
  off();
});

test("a statement changing more rows than a payload holds makes pages reload", async () => {
  const a = collector(["h20.test"]);
  const off = hub.subscribe(a.sub, null);
  await db.pool.query("UPDATE destinations SET retry_interval = retry_interval + 1");
  await notifyChanged(db.pool, "*");
  await until(() => a.got.some((u) => u.kind === "reload"));
  off();
});

test("a page connecting after a change it has not seen gets it replayed", async () => {
  const since = Date.now();
  await db.pool.query("UPDATE destinations SET last_error_message = 'late' WHERE destination = 'h30.test'");
  await notifyChanged(db.pool, ["h30.test"]);
  await new Promise((r) => setTimeout(r, 200)); // heard before the page connects
  const a = collector(["h30.test"]);
  const off = hub.subscribe(a.sub, since);
  await until(() => a.got.length > 0);
  const u = a.got[0];
  assert.ok(u.kind === "rows" && u.rows[0].last_error_message === "late");
  // A time older than the hub remembers: reload.
  const b = collector(["h31.test"]);
  const offB = hub.subscribe(b.sub, since - 3_600_000);
  await until(() => b.got.length > 0);
  assert.equal(b.got[0].kind, "reload");
  off();
  offB();
});

test("a forgotten row is reported gone (the DELETE trigger)", async () => {
  const a = collector(["h40.test"]);
  const off = hub.subscribe(a.sub, null);
  await db.pool.query("DELETE FROM destinations WHERE destination = 'h40.test'");
  await until(() => a.got.length > 0);
  assert.ok(a.got[0].kind === "rows" && a.got[0].gone[0] === "h40.test");
  off();
});

test("the stream speaks SSE and lets go of the hub when the page goes", async () => {
  const s = await openLiveStream(
    { userId: null, email: "v@x", role: "viewer", via: "console" },
    { hashes: new Set([watchHash("h50.test")]), since: null },
    hub,
  );
  const reader = s.getReader();
  const hello = new TextDecoder().decode((await reader.read()).value);
  assert.match(hello, /^retry: \d+\nevent: hello\nid: \d+\ndata: \{\}\n\n$/);
  await db.pool.query(
    "UPDATE destinations SET rooms_count = 0, last_outcome = 'success' WHERE destination = 'h50.test'",
  );
  await notifyChanged(db.pool, ["h50.test"]);
  const ev = new TextDecoder().decode((await reader.read()).value);
  assert.match(ev, /^event: rows\nid: \d+\ndata: \{"now":"\d+","rows":\[\{"destination":"h50.test",/);
  await reader.cancel();
  assert.equal(hub.subscribers, 0);
  assert.equal(formatLiveEvent({ kind: "reload", at: 7 }), "event: reload\nid: 7\ndata: {}\n\n");
});

test("payloads stay under NOTIFY's 8000 bytes; too many names become '*'", () => {
  assert.deepEqual(livePayloads(["a", "b"]), ["a\nb"]);
  const names = Array.from({ length: 1000 }, (_, i) => `name-${i}.example.org`);
  const p = livePayloads(names);
  assert.ok(p.length > 1);
  for (const x of p) assert.ok(Buffer.byteLength(x) < 8000);
  assert.deepEqual(p.join("\n").split("\n"), names);
  assert.deepEqual(livePayloads(Array.from({ length: 10_000 }, (_, i) => `name-${i}.example.org`)), ["*"]);
});
