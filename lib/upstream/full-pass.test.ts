// The sync's passes against a real PostgreSQL, fed by an in-memory source that pages like the
// admin API (offset pages with a total). The HTTP and database sources have their own tests;
// e2e/upstream runs the whole thing against real servers.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/test-database";
import { runFullPass } from "./full-pass";
import { runRecentPass } from "./recent-pass";
import { listPasses, loadState, readState } from "./sync-state";
import type {
  DestinationPage,
  RecentChanges,
  RoomsResult,
  UpstreamDestination,
  UpstreamRoom,
  UpstreamSource,
} from "./types";
import { UpstreamError } from "./types";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE destinations, upstream_sync_passes, upstream_state CASCADE");
  await loadState(db.pool, "api test");
});

type Fake = {
  rows: Map<string, UpstreamDestination>;
  rooms: Map<string, UpstreamRoom[]>;
  /** Called before each page is served (to change the upstream mid-pass). */
  beforePage?: (k: number) => void;
  failAtPage?: number;
  requests: { pages: number; rooms: number };
};

const row = (destination: string, retryLastTs = 0n, over: Partial<UpstreamDestination> = {}): UpstreamDestination => ({
  destination,
  retryLastTs,
  retryInterval: retryLastTs ? 600_000n : 0n,
  failureTs: retryLastTs ? retryLastTs - 1000n : null,
  lastSuccessfulStreamOrdering: null,
  ...over,
});

function fakeSource(f: Fake, kind: "api" | "database" = "api"): UpstreamSource {
  const sorted = () =>
    [...f.rows.values()].sort((a, b) => Buffer.compare(Buffer.from(a.destination), Buffer.from(b.destination)));
  return {
    kind,
    label: "fake",
    async *scanDestinations(pageSize) {
      let from = 0;
      let prev: string | null = null;
      for (let k = 0; ; k++) {
        f.beforePage?.(k);
        if (f.failAtPage === k) throw new UpstreamError("upstream answered 500", "http", 500);
        f.requests.pages++;
        const all = sorted();
        const rows = all.slice(from, from + pageSize);
        const last = from + pageSize >= all.length;
        const page: DestinationPage = {
          rows,
          problems: [],
          total: kind === "api" ? BigInt(all.length) : undefined,
          range: { after: prev, through: last ? null : (rows.at(-1)?.destination ?? null) },
        };
        if (kind === "database")
          page.rooms = new Map(rows.map((r) => [r.destination, f.rooms.get(r.destination) ?? []]));
        yield page;
        if (last) return;
        prev = rows.at(-1)!.destination;
        from += pageSize;
      }
    },
    async recentFailures(watermark): Promise<RecentChanges> {
      f.requests.pages++;
      const rows = sorted().filter((r) => r.retryLastTs > 0n && r.retryLastTs >= watermark);
      // biome-ignore lint/complexity/useMathMinMax: bigint
      const newest = rows.reduce((m, r) => (r.retryLastTs > m ? r.retryLastTs : m), watermark);
      return { rows, problems: [], requests: 1, watermark: newest };
    },
    async destination(name) {
      return f.rows.get(name) ?? null;
    },
    async rooms(name): Promise<RoomsResult> {
      f.requests.rooms++;
      if (!f.rows.has(name)) return { missing: true };
      return { rooms: f.rooms.get(name) ?? [], problems: [] };
    },
    async close() {},
  };
}

const deps = (source: UpstreamSource, over: Partial<Parameters<typeof runFullPass>[0]> = {}) => ({
  pool: db.pool,
  source,
  pageSize: 3,
  roomsConcurrency: 2,
  roomsPerPass: 0,
  owner: "test",
  signal: new AbortController().signal,
  ...over,
});

async function local() {
  const r = await db.pool.query<Record<string, string | null>>(
    `SELECT destination, retry_last_ts::text, retry_interval::text, failure_ts::text,
            last_successful_stream_ordering::text AS lsso, wake_requested_at IS NOT NULL AS wake
     FROM destinations ORDER BY destination`,
  );
  return r.rows;
}

const newFake = (names: UpstreamDestination[]): Fake => ({
  rows: new Map(names.map((r) => [r.destination, r])),
  rooms: new Map(),
  requests: { pages: 0, rooms: 0 },
});

test("a first pass copies every destination exactly, 64-bit values included; a second pass writes nothing", async () => {
  const big = 9_223_372_036_854_775_807n;
  const f = newFake([
    row("a.example"),
    row("b.example", 1_700_000_000_000n),
    row("c.example", 0n, { lastSuccessfulStreamOrdering: big }),
    row("d.example", 9_007_199_254_740_993n),
    row("e.example"),
    row("f.example"),
    row("g.example"),
  ]);
  f.rooms.set("b.example", [{ roomId: "!r1:x", streamOrdering: big }]);
  const r1 = await runFullPass(deps(fakeSource(f), { roomsPerPass: 100 }));
  assert.equal(r1.status, "ok");
  assert.equal(r1.counts.rowsAdded, 7);
  assert.equal(r1.counts.rowsSeen, 7);
  const rows = await local();
  assert.deepEqual(
    rows.map((r) => [r.destination, r.retry_last_ts, r.lsso]),
    [
      ["a.example", "0", null],
      ["b.example", "1700000000000", null],
      ["c.example", "0", big.toString()],
      ["d.example", "9007199254740993", null],
      ["e.example", "0", null],
      ["f.example", "0", null],
      ["g.example", "0", null],
    ],
  );
  // The two failing ones are handed to the prober.
  assert.deepEqual(
    rows.filter((r) => r.wake).map((r) => r.destination),
    ["b.example", "d.example"],
  );
  const rooms = await db.pool.query("SELECT destination, room_id, stream_ordering::text FROM destination_rooms");
  assert.deepEqual(rooms.rows, [{ destination: "b.example", room_id: "!r1:x", stream_ordering: big.toString() }]);

  const r2 = await runFullPass(deps(fakeSource(f), { roomsPerPass: 100 }));
  assert.equal(r2.status, "ok");
  assert.equal(r2.counts.rowsAdded + r2.counts.rowsChanged + r2.counts.rowsRemoved + r2.counts.roomsWritten, 0);
  const passes = await listPasses(db.pool, { kind: "full", limit: 5 });
  assert.deepEqual(
    passes.map((p) => p.status),
    ["ok", "ok"],
  );
});

test("changes arrive, a renewed failure is probed, and removals happen after a clean pass only", async () => {
  const f = newFake([row("a.example"), row("b.example", 1_000n), row("c.example"), row("d.example")]);
  await runFullPass(deps(fakeSource(f)));
  await db.pool.query("UPDATE destinations SET wake_requested_at = NULL");

  f.rows.set("a.example", row("a.example", 5_000n)); // a new failure
  f.rows.set("b.example", row("b.example", 2_000n)); // failed again
  f.rows.delete("c.example"); // gone upstream
  const r = await runFullPass(deps(fakeSource(f)));
  assert.equal(r.status, "ok");
  assert.equal(r.counts.rowsChanged, 2);
  assert.equal(r.counts.rowsRemoved, 1);
  const rows = await local();
  assert.deepEqual(
    rows.map((x) => [x.destination, x.retry_last_ts, x.wake]),
    [
      ["a.example", "5000", true],
      ["b.example", "2000", true],
      ["d.example", "0", false],
    ],
  );
});

test("a pass whose upstream changes mid-way (total moves) removes nothing and says why", async () => {
  const f = newFake(["a", "b", "c", "d", "e", "f", "g"].map((x) => row(`${x}.example`)));
  await runFullPass(deps(fakeSource(f)));
  f.rows.delete("g.example");
  f.beforePage = (k) => {
    if (k === 1) f.rows.delete("a.example"); // shifts every later offset by one
  };
  const r = await runFullPass(deps(fakeSource(f)));
  assert.equal(r.status, "partial");
  assert.equal(r.counts.rowsRemoved, 0);
  assert.match(r.notes.join("\n"), /total changed during the pass/);
  assert.equal((await local()).length, 7, "nothing removed");
  // The next, quiet pass is clean and removes both.
  f.beforePage = undefined;
  const again = await runFullPass(deps(fakeSource(f)));
  assert.equal(again.status, "ok");
  assert.equal(again.counts.rowsRemoved, 2);
});

test("an upstream error mid-pass fails the pass, keeps every local row and marks the upstream failing", async () => {
  const f = newFake(["a", "b", "c", "d", "e", "f", "g"].map((x) => row(`${x}.example`)));
  await runFullPass(deps(fakeSource(f)));
  f.rows.delete("a.example");
  f.failAtPage = 1;
  const r = await runFullPass(deps(fakeSource(f)));
  assert.equal(r.status, "failed");
  assert.match(r.error ?? "", /500/);
  assert.equal((await local()).length, 7);
  const s = await readState(db.pool);
  assert.ok(s?.failingSince);
  assert.match(s?.lastError ?? "", /500/);
  f.failAtPage = undefined;
  await runFullPass(deps(fakeSource(f)));
  assert.equal((await readState(db.pool))?.failingSince, null, "answering again clears the failure");
});

test("the database source's rooms come with its pages: every set made exact, only differences written", async () => {
  const f = newFake([row("a.example"), row("b.example"), row("c.example")]);
  f.rooms.set("a.example", [
    { roomId: "!1:x", streamOrdering: 1n },
    { roomId: "!2:x", streamOrdering: 2n },
  ]);
  f.rooms.set("c.example", [{ roomId: "!3:x", streamOrdering: 3n }]);
  const r1 = await runFullPass(deps(fakeSource(f, "database"), { pageSize: 2 }));
  assert.equal(r1.counts.roomsWritten, 3);
  f.rooms.set("a.example", [
    { roomId: "!2:x", streamOrdering: 20n },
    { roomId: "!4:x", streamOrdering: 4n },
  ]);
  const r2 = await runFullPass(deps(fakeSource(f, "database"), { pageSize: 2 }));
  assert.equal(r2.counts.roomsWritten, 3, "one deleted, one updated, one inserted");
  const rooms = await db.pool.query(
    "SELECT destination, room_id, stream_ordering::text AS so FROM destination_rooms ORDER BY 1, 2",
  );
  assert.deepEqual(
    rooms.rows.map((x) => `${x.destination} ${x.room_id} ${x.so}`),
    ["a.example !2:x 20", "a.example !4:x 4", "c.example !3:x 3"],
  );
  const counted = await db.pool.query("SELECT destination, rooms_count FROM destinations ORDER BY 1");
  assert.deepEqual(
    counted.rows.map((x) => x.rooms_count),
    [2, 0, 1],
  );
  const r3 = await runFullPass(deps(fakeSource(f, "database"), { pageSize: 2 }));
  assert.equal(r3.counts.roomsWritten, 0);
});

test("API source: a budget of room sets per pass — changed first, then failing ones in turn, then the rest", async () => {
  const names = ["a", "b", "c", "d", "e", "f"].map((x) => `${x}.example`);
  const f = newFake(names.map((n) => row(n, n === "c.example" || n === "f.example" ? 10n : 0n)));
  for (const n of names) f.rooms.set(n, [{ roomId: `!${n}`, streamOrdering: 1n }]);
  const read = async () => {
    const r = await db.pool.query<{ destination: string }>(
      "SELECT DISTINCT destination FROM destination_rooms ORDER BY 1",
    );
    return r.rows.map((x) => x.destination);
  };
  // First pass: c and f are new failures (changed), then one other in turn: a.
  await runFullPass(deps(fakeSource(f), { roomsPerPass: 3 }));
  assert.equal(f.requests.rooms, 3);
  assert.deepEqual(await read(), ["a.example", "c.example", "f.example"]);
  // Nothing changed: the failing ones in turn (c, f: the cursor wraps), then the next other (b).
  f.requests.rooms = 0;
  await runFullPass(deps(fakeSource(f), { roomsPerPass: 3 }));
  assert.equal(f.requests.rooms, 3);
  assert.deepEqual(await read(), ["a.example", "b.example", "c.example", "f.example"]);
  // A change jumps the queue.
  f.rows.set("e.example", row("e.example", 99n));
  f.requests.rooms = 0;
  await runFullPass(deps(fakeSource(f), { roomsPerPass: 1 }));
  assert.equal(f.requests.rooms, 1);
  assert.ok((await read()).includes("e.example"));
});

test("the recent-changes pass merges new failures at once and costs one request when nothing is new", async () => {
  const f = newFake([row("a.example"), row("b.example", 1_000n)]);
  await runFullPass(deps(fakeSource(f)));
  const quiet = await runRecentPass({ ...deps(fakeSource(f)), roomsConcurrency: 1 });
  f.requests.pages = 0;
  const quiet2 = await runRecentPass({ ...deps(fakeSource(f)), roomsConcurrency: 1 });
  assert.equal(quiet2.counts.requests, 1);
  assert.equal(quiet2.counts.rowsChanged + quiet2.counts.rowsAdded, 0);
  assert.equal(quiet.error, null);
  f.rows.set("a.example", row("a.example", 9_000n));
  const r = await runRecentPass({ ...deps(fakeSource(f)), roomsConcurrency: 1 });
  assert.equal(r.counts.rowsChanged, 1);
  assert.equal((await local()).find((x) => x.destination === "a.example")?.retry_last_ts, "9000");
  assert.equal((await readState(db.pool))?.watermark, 9_000n);
});

test("a first pass into an empty mirror loads like a first import; failing half-way, it leaves the mirror empty", async () => {
  const f = newFake(["a", "b", "c", "d", "e", "f", "g"].map((x) => row(`${x}.example`, x === "b" ? 5n : 0n)));
  f.failAtPage = 2;
  const r = await runFullPass(deps(fakeSource(f)));
  assert.equal(r.status, "failed");
  assert.equal((await local()).length, 0, "rolled back whole");
  f.failAtPage = undefined;
  const ok = await runFullPass(deps(fakeSource(f)));
  assert.equal(ok.status, "ok");
  assert.equal(ok.counts.rowsAdded, 7);
  assert.deepEqual(
    (await local()).filter((x) => x.wake).map((x) => x.destination),
    ["b.example"],
    "the failing one is probed",
  );
});
