import { test } from "node:test";
import assert from "node:assert/strict";
import { destinationsPageJson, listItemJson, roomItemJson, roomsPageJson } from "../destinations/serialize";
import { nextToken } from "../destinations/paging";
import type { DestinationTimings, PageStream, RoomRow } from "../destinations/types";
import { toJson } from "./json";
import { toResponse } from "./respond";
import { streamedPageAnswer } from "./streamed-page";

const dest = (i: number): DestinationTimings => ({
  destination: `d${i}.example.org`,
  retryLastTs: 1_700_000_000_000n + BigInt(i),
  retryInterval: i % 2 ? 9_007_199_254_740_993n : 0n,
  failureTs: i % 3 ? null : 1n,
  lastSuccessfulStreamOrdering: i % 5 ? 9_223_372_036_854_775_807n : null,
});

/** A PageStream over `items` in batches of `size`, recording how it was closed. */
function fake<T>(items: T[], total: bigint, size: number) {
  const closed: unknown[] = [];
  let at = 0;
  const s: PageStream<T> = {
    total,
    next: async () => {
      if (at >= items.length) return null;
      const b = items.slice(at, at + size);
      at += size;
      return b;
    },
    close: async (e) => {
      closed.push(e ?? "ok");
    },
  };
  return { s, closed };
}

test("the streamed body is byte for byte the buffered answer, whatever the batches", async () => {
  for (const [n, total, from, limit, size] of [
    [0, 0n, 0n, 9_223_372_036_854_775_807n, 3],
    [0, 20n, 20n, 5_000n, 3],
    [7, 7n, 0n, 5_000n, 3],
    [7, 30n, 2n, 7n, 1],
    [2_500, 10_000n, 100n, 2_500n, 1_000],
  ] as const) {
    const items = Array.from({ length: n }, (_, i) => dest(i));
    const want = toJson(destinationsPageJson({ items, total, nextToken: nextToken(from, limit, items.length, total) }));
    const { s, closed } = fake(items, total, size);
    let done = 0;
    const answer = streamedPageAnswer({
      key: "destinations",
      from,
      limit,
      page: s,
      itemJson: listItemJson,
      done: () => done++,
    });
    const r = toResponse(answer);
    assert.ok(answer.body instanceof ReadableStream, "written as it is produced");
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), "application/json");
    assert.equal(await r.text(), want);
    assert.deepEqual(closed, ["ok"]);
    assert.equal(done, 1);
  }
});

test("rooms: the same bytes as roomsPageJson", async () => {
  const items: RoomRow[] = [
    { roomId: "!a:x", streamOrdering: 9_007_199_254_740_993n },
    { roomId: '!"quoted\\:x', streamOrdering: 1n },
  ];
  const want = toJson(roomsPageJson({ items, total: 5n, nextToken: nextToken(1n, 2n, 2, 5n) }));
  const { s } = fake(items, 5n, 1);
  const answer = streamedPageAnswer({
    key: "rooms",
    from: 1n,
    limit: 2n,
    page: s,
    itemJson: roomItemJson,
    done: () => {},
  });
  const r = toResponse(answer);
  assert.equal(await r.text(), want);
});

test("a client that goes away cancels the read: closed with an error, slot given back", async () => {
  const items = Array.from({ length: 50 }, (_, i) => dest(i));
  const { s, closed } = fake(items, 50n, 5);
  let done = 0;
  const answer = streamedPageAnswer({
    key: "destinations",
    from: 0n,
    limit: 5_000n,
    page: s,
    itemJson: listItemJson,
    done: () => done++,
  });
  const r = toResponse(answer);
  const reader = r.body!.getReader();
  await reader.read();
  await reader.read();
  await reader.cancel();
  assert.equal(closed.length, 1);
  assert.ok(closed[0] instanceof Error);
  assert.equal(done, 1);
});

test("an error mid-way errors the body (the answer is cut off, never completed) and closes the read", async () => {
  const closed: unknown[] = [];
  let calls = 0;
  const s: PageStream<DestinationTimings> = {
    total: 10n,
    next: async () => {
      if (++calls === 2) throw Object.assign(new Error("terminating connection"), { code: "57P01" });
      return [dest(calls)];
    },
    close: async (e) => {
      closed.push(e);
    },
  };
  const answer = streamedPageAnswer({
    key: "destinations",
    from: 0n,
    limit: 5_000n,
    page: s,
    itemJson: listItemJson,
    done: () => {},
  });
  const r = toResponse(answer);
  await assert.rejects(r.text(), /terminating connection/);
  assert.equal((closed[0] as { code: string }).code, "57P01");
});
