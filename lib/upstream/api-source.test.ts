import { test } from "node:test";
import assert from "node:assert/strict";
import { NAMES, row, scan, signal, withFakeUpstream } from "./testing/api-fixture";
import { FakeUpstream } from "./testing/fake-upstream";
import type { DestinationPage } from "./types";

const ctx = withFakeUpstream();

test("full scan: pages in destination order with totals and key ranges; the last one open-ended", async () => {
  for (const n of NAMES) ctx.fake.set(row(n));
  const pages = await scan(ctx.source);
  assert.deepEqual(
    pages.map((p) => [p.rows.map((r) => r.destination[0]).join(""), p.total, p.range.after, p.range.through]),
    [
      ["abc", 7n, null, "c.example"],
      ["def", 7n, "c.example", "f.example"],
      ["g", 7n, "f.example", null],
    ],
  );
  assert.ok(pages.every((p) => p.problems.length === 0 && p.outOfOrder === undefined && p.rooms === undefined));
  assert.deepEqual(
    ctx.fake.log.map((l) => l.query.toString()),
    [0, 3, 6].map((from) => `order_by=destination&dir=f&from=${from}&limit=3`),
  );
  assert.equal(ctx.source.label, new URL(ctx.fake.url).host);

  ctx.fake.remove("g.example");
  assert.deepEqual(
    (await scan(ctx.source)).map((p) => p.range),
    [
      { after: null, through: "c.example" },
      { after: "c.example", through: null },
    ],
    "an exact multiple of the page size needs no empty page",
  );
  ctx.fake.table.clear();
  assert.deepEqual(await scan(ctx.source), [
    { rows: [], problems: [], total: 0n, range: { after: null, through: null } },
  ]);
});

test("64-bit values stay exact through list and details", async () => {
  const big = {
    retryInterval: 9223372036854775807n,
    failureTs: 9223372036854775807n,
    lastSuccessfulStreamOrdering: 9007199254740993n,
  };
  ctx.fake.set(row("big.example", 9007199254740993n, big));
  const expected = { destination: "big.example", retryLastTs: 9007199254740993n, ...big };
  assert.deepEqual((await scan(ctx.source))[0].rows, [expected]);
  assert.deepEqual(await ctx.source.destination("big.example", signal()), expected);
});

test("bad rows and duplicates are skipped with problems; the rest of the page is used", async () => {
  for (const n of NAMES.slice(0, 4)) ctx.fake.set(row(n));
  ctx.fake.rawRows = [
    {
      sortKey: "a.example",
      json: '{"destination":"a.example","retry_last_ts":1,"retry_interval":1,"failure_ts":1,"last_successful_stream_ordering":1}',
    },
    {
      sortKey: "bad name",
      json: '{"destination":"bad name","retry_last_ts":0,"retry_interval":0,"failure_ts":null,"last_successful_stream_ordering":null}',
    },
    {
      sortKey: "c.example1",
      json: '{"destination":"c.example1","retry_last_ts":-5,"retry_interval":0,"failure_ts":null,"last_successful_stream_ordering":null}',
    },
    {
      sortKey: "c.example2",
      json: '{"destination":"c.example2","retry_last_ts":"7","retry_interval":0,"failure_ts":null,"last_successful_stream_ordering":null}',
    },
  ];
  const pages = await scan(ctx.source);
  const rows = pages.flatMap((p) => p.rows.map((r) => r.destination));
  assert.deepEqual(rows, ["a.example", "b.example", "c.example", "d.example"]);
  const problems = pages.flatMap((p) => p.problems);
  assert.deepEqual(
    problems.map((p) => [p.destination, p.message.replace(/:.*/, "")]),
    [
      ["a.example", "duplicate of row 0"],
      ["bad name", 'invalid server name "bad name"'],
      ["c.example1", "retry_last_ts must not be negative, got -5"],
      ["c.example2", 'retry_last_ts must be an integer, got a string ("7")'],
    ],
  );
  assert.equal(pages[0].outOfOrder, true, "a duplicate key is not after the one before it");
  assert.match(
    problems[0].where,
    /^\/_synapse\/admin\/v1\/federation\/destinations by destination from=0, row 1 \("a\.example"\)$/,
  );
});

test("the upstream changing between pages: totals differ, keys out of order are reported", async () => {
  for (const n of NAMES) ctx.fake.set(row(n));
  ctx.fake.onListRequest = (i) => {
    if (i === 1) ctx.fake.remove("a.example");
  };
  const removed = await scan(ctx.source);
  assert.deepEqual(
    removed.map((p) => p.total),
    [7n, 6n],
  );
  assert.ok(!removed.flatMap((p) => p.rows).some((r) => r.destination === "d.example"), "d was skipped by the shift");

  ctx.fake.set(row("a.example"));
  ctx.fake.setFaults({}); // list requests count from 0 again
  ctx.fake.onListRequest = (i) => {
    if (i === 1) ctx.fake.set(row("0.example"));
  };
  const added = await scan(ctx.source);
  assert.equal(added[1].outOfOrder, true);
  assert.match(added[1].problems[0].message, /"c\.example" is not after "c\.example": the list shifted/);
  assert.deepEqual(
    added.map((p) => p.total),
    [7n, 8n, 8n],
  );

  ctx.fake.onListRequest = undefined;
  ctx.fake.setFaults({ totalDelta: { from: 1, delta: -1n } });
  assert.deepEqual(
    (await scan(ctx.source)).map((p) => p.total),
    [8n, 7n, 7n],
  );
});

test("faults: 401, 403, 500 mid-pass, a non-JSON page, a hang, a redirect, an echoed token", async () => {
  for (const n of NAMES) ctx.fake.set(row(n));
  ctx.fake.setFaults({ unauthorized: true });
  const e401 = await ctx.rejects(scan(ctx.source), "unauthorized", 401);
  assert.equal(e401.matrix?.errcode, "M_UNKNOWN_TOKEN");
  ctx.fake.setFaults({ forbidden: true });
  assert.equal((await ctx.rejects(scan(ctx.source), "unauthorized", 403)).matrix?.errcode, "M_FORBIDDEN");

  ctx.fake.setFaults({ failListFrom: 1 });
  const seen: DestinationPage[] = [];
  const mid = await ctx.rejects(
    (async () => {
      for await (const p of ctx.source.scanDestinations(3, signal())) seen.push(p);
    })(),
    "http",
    500,
  );
  assert.equal(seen.length, 1, "the first page came before the failure");
  assert.deepEqual(mid.matrix, { errcode: "M_UNKNOWN", error: "Internal server error" });

  ctx.fake.setFaults({ nonJsonList: 1 });
  assert.match((await ctx.rejects(scan(ctx.source), "bad_response")).message, /not JSON \(Content-Type text\/html\)/);

  ctx.fake.setFaults({ hang: true });
  await ctx.rejects(scan(ctx.sourceFor(ctx.fake, {}, 200)), "timeout");

  ctx.fake.setFaults({ redirectTo: "http://127.0.0.1:1/elsewhere" });
  await ctx.rejects(scan(ctx.source), "http", 302);

  ctx.fake.setFaults({ failListFrom: 0, echoAuthorization: true });
  const echoed = await ctx.rejects(scan(ctx.source), "http", 500);
  assert.match(echoed.message, /you sent Bearer \[token\]/);
  assert.match(echoed.matrix!.error, /you sent Bearer \[token\]/);

  ctx.fake.setFaults({});
  await ctx.rejects(scan(ctx.sourceFor(ctx.fake, { FEDCONSOLE_UPSTREAM_TOKEN: "wrong" })), "unauthorized", 401);
});

test("older Synapse's null timings are read as 0", async () => {
  const old = await FakeUpstream.start({ legacyNulls: true });
  try {
    old.set(row("n.example", null));
    const [page] = await scan(ctx.sourceFor(old));
    assert.equal(page.rows[0].retryLastTs, 0n);
    assert.equal(page.rows[0].retryInterval, 0n);
  } finally {
    await old.close();
  }
});

test("the IP guard of the settings: loopback not allowed for the upstream → refused, no connection", async () => {
  ctx.fake.set(row("a.example"));
  const blocked = ctx.sourceFor(ctx.fake, { FEDCONSOLE_UPSTREAM_IP_RANGE_ALLOWLIST: "10.0.0.0/8" });
  const e = await ctx.rejects(scan(blocked), "unreachable");
  assert.match(e.message, /127\.0\.0\.1 is in the IP range blocklist/);
  await ctx.rejects(blocked.resetConnection("a.example", signal()), "unreachable");
  assert.equal(ctx.fake.connections, 0);
  assert.equal(ctx.fake.log.length, 0);
  // FEDERATION_IP_RANGE_ALLOWLIST opens it too (the guard is the blocklist minus both lists).
  const open = ctx.sourceFor(ctx.fake, {
    FEDCONSOLE_UPSTREAM_IP_RANGE_ALLOWLIST: "10.0.0.0/8",
    FEDERATION_IP_RANGE_ALLOWLIST: "127.0.0.1",
  });
  assert.equal((await scan(open))[0].rows.length, 1);
});

test("an IPv6 upstream and a ctx.source that never shows its token", async () => {
  const v6 = await FakeUpstream.start({ host: "::1", rows: [row("a.example", 7n)] });
  try {
    const s = ctx.sourceFor(v6);
    assert.equal(s.label, new URL(v6.url).host);
    assert.equal((await s.destination("a.example", signal()))?.retryLastTs, 7n);
    const { inspect } = await import("node:util");
    assert.ok(!inspect(s, { depth: 10, showHidden: true }).includes(v6.token));
  } finally {
    await v6.close();
  }
});
