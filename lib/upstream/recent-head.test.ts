import { test } from "node:test";
import assert from "node:assert/strict";
import { type HeadPage, locateHead } from "./recent-head";

/** The dir=b list of a Synapse on PostgreSQL: a NULL rows, p failures, z real zeros. */
function list(a: number, p: number, z: number) {
  const positive = [...Array(a).fill(false), ...Array(p).fill(true), ...Array(z).fill(false)] as boolean[];
  let requests = 0;
  const reader = {
    async page(from: number, limit: number): Promise<HeadPage> {
      requests++;
      const slice = positive.slice(from, from + limit);
      return { from, positive: slice, end: from + limit >= positive.length };
    },
    async anyFailing(): Promise<boolean> {
      requests++;
      return p > 0;
    },
  };
  return { reader, requests: () => requests };
}

test("head unmoved or moved within the page: one request", async () => {
  for (const [a, previous] of [
    [0, 0],
    [500, 500],
    [500, 480],
    [500, 520],
    [500, 560],
    [0, 40],
  ]) {
    const l = list(a, 10, 1000);
    const found = await locateHead(previous, 1000, l.reader);
    assert.equal(found.head, a, `a=${a} previous=${previous}`);
    assert.equal(l.requests(), 1, `a=${a} previous=${previous}`);
    assert.ok(found.head !== null && found.pages.length === 1);
  }
});

test("head moved back past the margin: the page before, then a binary search", async () => {
  const near = list(900, 50, 100);
  assert.equal((await locateHead(1000, 1000, near.reader)).head, 900);
  assert.equal(near.requests(), 2);

  const far = list(10_000, 100_000, 5);
  assert.equal((await locateHead(60_000, 1000, far.reader)).head, 10_000);
  assert.ok(far.requests() <= 2 + Math.ceil(Math.log2(60_000)), `${far.requests()} requests`);
});

test("nothing failing: one request on a short list, two on a long one", async () => {
  const short = list(5, 0, 5);
  assert.deepEqual(await locateHead(0, 100, short.reader), { head: null });
  assert.equal(short.requests(), 1);
  const long = list(3000, 0, 3000);
  assert.deepEqual(await locateHead(3000, 100, long.reader), { head: null });
  assert.equal(long.requests(), 2);
});

test("first pass against a large NULL block: scans forward to the failures", async () => {
  const l = list(5_000, 3, 2_000);
  const found = await locateHead(0, 1000, l.reader);
  assert.equal(found.head, 5_000);
  assert.equal(l.requests(), 2 + 5); // the page, the failing probe, pages 1000…5000
});

test("head moved back behind the page into a small block: found from the start", async () => {
  const l = list(100, 3, 5_000);
  assert.equal((await locateHead(2_000, 1000, l.reader)).head, 100);
});

test("every shape and previous head finds the exact head", async () => {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let round = 0; round < 400; round++) {
    const [a, p, z] = [rand(60), rand(4) === 0 ? 0 : rand(30), rand(60)];
    const pageSize = 1 + rand(25);
    const previous = rand(a + p + z + 10);
    const l = list(a, p, z);
    const found = await locateHead(previous, pageSize, l.reader);
    const where = `a=${a} p=${p} z=${z} pageSize=${pageSize} previous=${previous}`;
    assert.equal(found.head, p === 0 ? null : a, where);
    if (found.head !== null && found.pages.length > 0) {
      const page = found.pages[0];
      assert.ok(page.from <= a && a < page.from + page.positive.length, `${where}: the page holds the head`);
      for (let k = 1; k < found.pages.length; k++) {
        const prev: HeadPage = found.pages[k - 1];
        assert.equal(found.pages[k].from, prev.from + prev.positive.length, `${where}: pages are consecutive`);
      }
    }
  }
});
