import { test } from "node:test";
import assert from "node:assert/strict";
import { row, signal, withFakeUpstream } from "./testing/api-fixture";
import { FakeUpstream } from "./testing/fake-upstream";

const ctx = withFakeUpstream();

test("recent pass on an upstream without NULL timings: one request when nothing is new", async () => {
  ctx.fake.set(row("a.example", 5_000n));
  ctx.fake.set(row("b.example", 4_000n));
  ctx.fake.set(row("c.example", 3_000n));
  ctx.fake.set(row("d.example"));
  ctx.fake.set(row("e.example"));
  const first = await ctx.source.recentFailures(0n, {}, signal());
  assert.deepEqual(
    first.rows.map((r) => r.destination),
    ["a.example", "b.example", "c.example"],
    "zeros are not failures",
  );
  assert.equal(first.watermark, 5_000n);
  assert.equal(first.headOffset, 0);
  assert.equal(first.requests, 2);

  ctx.fake.clearCounters();
  const again = await ctx.source.recentFailures(5_001n, { headOffset: 0 }, signal());
  assert.deepEqual(again, { rows: [], problems: [], requests: 1, watermark: 5_001n, headOffset: 0 });
  assert.equal(ctx.fake.listRequests(), 1);
  assert.equal(ctx.fake.log[0].query.toString(), "order_by=retry_last_ts&dir=b&from=0&limit=3");

  ctx.fake.set(row("f.example", 6_000n));
  const fresh = await ctx.source.recentFailures(5_001n, { headOffset: 0 }, signal());
  assert.deepEqual(
    fresh.rows.map((r) => [r.destination, r.retryLastTs]),
    [["f.example", 6_000n]],
  );
  assert.equal(fresh.watermark, 6_000n);
  assert.equal(fresh.requests, 1);
});

test("recent pass on a Synapse on PostgreSQL: NULL rows first, the head is found and remembered", async () => {
  const pg = await FakeUpstream.start({ nullsFirst: true });
  const s = ctx.sourceFor(pg);
  try {
    for (let i = 0; i < 10; i++) pg.set(row(`null${i}.example`, null));
    pg.set(row("x.example", 9_000n));
    pg.set(row("y.example", 8_000n));
    pg.set(row("z.example", 7_000n));
    for (let i = 0; i < 5; i++) pg.set(row(`zero${i}.example`));
    const first = await s.recentFailures(7_500n, {}, signal());
    assert.deepEqual(
      first.rows.map((r) => r.destination),
      ["x.example", "y.example"],
    );
    assert.equal(first.headOffset, 10);
    assert.equal(first.watermark, 9_000n);
    assert.equal(pg.log[0].query.get("from"), "0");

    pg.clearCounters();
    const again = await s.recentFailures(9_001n, { headOffset: 10 }, signal());
    assert.equal(again.requests, 1);
    assert.deepEqual(again.rows, []);
    assert.equal(again.headOffset, 10);

    // Two new destinations (NULL rows) and a new failure among them: still one page.
    pg.set(row("new1.example", null));
    pg.set(row("null3.example", 9_500n));
    const moved = await s.recentFailures(9_001n, { headOffset: 10 }, signal());
    assert.deepEqual(
      moved.rows.map((r) => r.destination),
      ["null3.example"],
    );
    assert.equal(moved.headOffset, 10);
    assert.equal(moved.requests, 1);

    // Nothing failing at all: a page and the failure_ts probe.
    for (const n of ["x.example", "y.example", "z.example", "null3.example"]) pg.set(row(n));
    const none = await s.recentFailures(0n, { headOffset: 10 }, signal());
    assert.deepEqual([none.rows, none.requests, none.headOffset], [[], 2, 10]);
  } finally {
    await pg.close();
  }
});
