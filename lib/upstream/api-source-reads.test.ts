import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { row, signal, withFakeUpstream } from "./testing/api-fixture";

const ctx = withFakeUpstream();

test("rooms: every page, 404 = missing, totals that disagree are problems", async () => {
  const rooms = Array.from({ length: 7 }, (_, i) => ({
    roomId: `!r${i}:example`,
    streamOrdering: 9223372036854775807n - BigInt(i),
  }));
  ctx.fake.set(row("b.example:8448", 0n, { rooms }));
  ctx.fake.set(row("c.example", 0n, { rooms: [{ roomId: "!c:example", streamOrdering: 1n }] }));
  const r = await ctx.source.rooms("b.example:8448", signal());
  assert.ok(!("missing" in r));
  assert.deepEqual(r.rooms, rooms);
  assert.deepEqual(r.problems, []);
  assert.equal(ctx.fake.count("GET", "/_synapse/admin/v1/federation/destinations/b.example:8448/rooms"), 3);

  assert.deepEqual(await ctx.source.rooms("unknown.example", signal()), { missing: true });

  ctx.fake.setFaults({ roomsOfEveryDestination: true });
  const buggy = await ctx.source.rooms("c.example", signal());
  assert.ok(!("missing" in buggy));
  assert.match(buggy.problems.at(-1)!.message, /the homeserver counts 1 rooms but listed [38]/);
});

test("details: the row, null when unknown, an error for anything else", async () => {
  ctx.fake.set(row("a.example", 5_000n));
  assert.deepEqual(await ctx.source.destination("a.example", signal()), row("a.example", 5_000n));
  assert.equal(await ctx.source.destination("nobody.example", signal()), null);
  const wrongBase = ctx.sourceFor(ctx.fake, { FEDCONSOLE_UPSTREAM_URL: `${ctx.fake.url}/not-here` });
  assert.equal(
    (await ctx.rejects(wrongBase.destination("a.example", signal()), "http", 404)).matrix?.errcode,
    "M_UNRECOGNIZED",
  );
});

test("reset: 200 resolves (and reaches the upstream once); 400/404/500, 401 and hangs are UpstreamErrors", async () => {
  ctx.fake.set(row("fail.example:8448", 5_000n));
  ctx.fake.set(row("fine.example"));
  await ctx.source.resetConnection("fail.example:8448", signal());
  assert.equal(ctx.fake.resetRequests("fail.example:8448"), 1);
  assert.equal(ctx.fake.table.get("fail.example:8448")!.retryLastTs, 0n);
  assert.equal(ctx.fake.log[0].path, "/_synapse/admin/v1/federation/destinations/fail.example:8448/reset_connection");

  const e400 = await ctx.rejects(ctx.source.resetConnection("fine.example", signal()), "http", 400);
  assert.deepEqual(e400.matrix, {
    errcode: "M_UNKNOWN",
    error: "The retry timing does not need to be reset for this destination.",
  });
  const e404 = await ctx.rejects(ctx.source.resetConnection("nobody.example", signal()), "http", 404);
  assert.deepEqual(e404.matrix, { errcode: "M_NOT_FOUND", error: "Unknown destination" });
  ctx.fake.resetAnswers.set("fine.example", 500);
  await ctx.rejects(ctx.source.resetConnection("fine.example", signal()), "http", 500);
  ctx.fake.resetAnswers.set("fine.example", 200);
  await ctx.source.resetConnection("fine.example", signal());

  ctx.fake.setFaults({ unauthorized: true });
  await ctx.rejects(ctx.source.resetConnection("fine.example", signal()), "unauthorized", 401);
  ctx.fake.setFaults({ hang: true });
  await ctx.rejects(ctx.sourceFor(ctx.fake, {}, 200).resetConnection("fine.example", signal()), "timeout");
  assert.equal(ctx.fake.resetRequests("fine.example"), 5);
});

test("an empty success: a reset is done, a page is a bad_response", async () => {
  const server = http.createServer((_req, res) => {
    res.writeHead(204);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const s = ctx.sourceFor(ctx.fake, { FEDCONSOLE_UPSTREAM_URL: `http://127.0.0.1:${port}` });
    await s.resetConnection("a.example", signal());
    await ctx.rejects(s.destination("a.example", signal()), "bad_response");
    await ctx.rejects(s.rooms("a.example", signal()), "bad_response");
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
