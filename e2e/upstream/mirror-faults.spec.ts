// Mirror mode against a fake upstream that misbehaves on purpose (lib/upstream/testing/
// fake-upstream.ts): a refused token, a 500 in the middle of a pass, a hang, a page that is
// not JSON, bad rows, a total that moves, values above 2^53. Each time: nothing half-written,
// nothing removed unless a pass was clean, the failure visible, recovery by itself.
import { test, expect } from "@playwright/test";
import { FakeUpstream, type FakeRow } from "../../lib/upstream/testing/fake-upstream";
import { api, FED, fullPassAfter, type Instance, startMirror, waitFor } from "./mirror-helpers";

test.describe.configure({ mode: "serial" });

let fake: FakeUpstream;
let mirror: Instance;
const BIG = 9_223_372_036_854_775_807n;

const row = (i: number, failing = false): FakeRow => ({
  destination: `10.1.0.${i}`,
  retryLastTs: failing ? 1_800_000_000_000n + BigInt(i) : 0n,
  retryInterval: failing ? 600_000n : 0n,
  failureTs: failing ? 1_799_999_000_000n : null,
  lastSuccessfulStreamOrdering: i === 3 ? BIG : BigInt(i),
  rooms: i === 3 ? [{ roomId: "!big:fake.test", streamOrdering: 9_007_199_254_740_993n }] : [],
});

const names = async () =>
  (await mirror.db.pool.query<{ destination: string }>("SELECT destination FROM destinations ORDER BY 1")).rows.map(
    (r) => r.destination,
  );
const upstreamState = async () =>
  JSON.parse((await api(mirror.server.url, mirror.admin, "/_fedconsole/v1/upstream")).text);

/** A fault, then the full pass it spoils: waits for that pass to end with `status`. */
async function passWith(faults: Parameters<FakeUpstream["setFaults"]>[0], status: string[]) {
  const t = Date.now();
  fake.setFaults(faults);
  return fullPassAfter(mirror, t, status);
}

test.beforeAll(async () => {
  fake = await FakeUpstream.start({ rows: Array.from({ length: 20 }, (_, i) => row(i + 1, i % 4 === 0)) });
  mirror = await startMirror({ url: fake.url, token: fake.token }, undefined, {
    FEDCONSOLE_UPSTREAM_SYNC_INTERVAL: "1s",
    FEDCONSOLE_UPSTREAM_TIMEOUT: "1s",
  });
  await fullPassAfter(mirror, 0, ["ok"]);
});

test.afterAll(async () => {
  await mirror?.server.stop();
  await mirror?.db.close();
  await fake?.close();
});

test("the first pass copies the fake upstream exactly, values above 2^53 included", async () => {
  for (const path of [`${FED}?limit=100`, `${FED}?order_by=retry_last_ts&dir=b&limit=100`, `${FED}/10.1.0.3`]) {
    expect((await api(mirror.server.url, mirror.admin, path)).text).toBe((await api(fake.url, fake.token, path)).text);
  }
  const rooms = (await api(mirror.server.url, mirror.admin, `${FED}/10.1.0.3/rooms`)).text;
  expect(rooms).toBe('{"rooms":[{"room_id":"!big:fake.test","stream_ordering":9007199254740993}],"total":1}');
});

test("a refused token: the pass fails, nothing changes, the state says why; fixed, it recovers", async () => {
  const before = await names();
  fake.remove("10.1.0.20");
  await passWith({ unauthorized: true }, ["failed"]);
  expect(await names()).toEqual(before);
  const s = await upstreamState();
  expect(s.failing_since_ts).toEqual(expect.any(Number));
  expect(s.last_error).toMatch(/401|token|refused/i);
  expect(JSON.stringify(s)).not.toContain(fake.token);
  const reset = await api(mirror.server.url, mirror.admin, `${FED}/10.1.0.1/reset_connection`, "POST");
  expect(reset.status).toBe(502);
  expect(await names()).toEqual(before);
  await passWith({}, ["ok"]);
  expect(await names()).toEqual(before.filter((n) => n !== "10.1.0.20"));
  expect((await upstreamState()).failing_since_ts).toBeNull();
});

test("a 500 in the middle of a pass, a hang, a page that is not JSON: failed passes that remove nothing", async () => {
  fake.remove("10.1.0.19");
  const before = await names();
  for (const faults of [{ failListFrom: 1 }, { hang: true }, { nonJsonList: 1 }]) {
    const p = await passWith(faults, ["failed"]);
    expect(p.error, JSON.stringify(faults)).toBeTruthy();
    expect(await names(), JSON.stringify(faults)).toEqual(before);
  }
  await passWith({}, ["ok"]);
  expect(await names()).not.toContain("10.1.0.19");
});

test("bad rows are skipped and counted, the good ones merged, nothing removed; a moving total removes nothing", async () => {
  fake.rawRows = [
    {
      sortKey: "10.1.0.50",
      json: '{"destination":"10.1.0.50","retry_last_ts":"soon","retry_interval":0,"failure_ts":null,"last_successful_stream_ordering":null}',
    },
    {
      sortKey: "10.1.0.51",
      json: '{"destination":"10.1.0.51","retry_last_ts":-5,"retry_interval":0,"failure_ts":null,"last_successful_stream_ordering":null}',
    },
    {
      sortKey: "10.1.0.52",
      json: '{"destination":"not a server name!","retry_last_ts":0,"retry_interval":0,"failure_ts":null,"last_successful_stream_ordering":null}',
    },
    {
      sortKey: "10.1.0.6",
      json: '{"destination":"10.1.0.6","retry_last_ts":0,"retry_interval":0,"failure_ts":null,"last_successful_stream_ordering":6}',
    },
  ];
  fake.remove("10.1.0.18");
  fake.set({ ...row(30), destination: "10.1.0.30" });
  const p = await passWith({}, ["partial"]);
  expect(Number(p.errors)).toBeGreaterThanOrEqual(4);
  const now = await names();
  expect(now).toContain("10.1.0.30");
  expect(now).toContain("10.1.0.18"); // not removed after a pass with problems
  expect(now).not.toContain("10.1.0.50");
  fake.rawRows = [];
  const moving = await passWith({ totalDelta: { from: 1, delta: 1n } }, ["partial"]);
  expect(moving.notes.join(" ")).toMatch(/total/);
  expect(await names()).toContain("10.1.0.18");
  await passWith({}, ["ok"]);
  expect(await names()).not.toContain("10.1.0.18");
});

test("a relayed reset reaches the fake exactly once; its 500 is a 502, a 404 stays a 404", async () => {
  fake.clearCounters();
  const ok = await api(mirror.server.url, mirror.admin, `${FED}/10.1.0.1/reset_connection`, "POST");
  expect(ok).toEqual({ status: 200, text: "{}" });
  expect(fake.resetRequests("10.1.0.1")).toBe(1);
  await waitFor("the relayed reset applied here", async () =>
    (
      await mirror.db.pool.query("SELECT 1 FROM destinations WHERE destination = '10.1.0.1' AND retry_last_ts = 0")
    ).rows.at(0),
  );
  fake.resetAnswers.set("10.1.0.5", 500);
  const failed = await api(mirror.server.url, mirror.admin, `${FED}/10.1.0.5/reset_connection`, "POST");
  expect(failed.status).toBe(502);
  expect(JSON.parse(failed.text).error).toMatch(/^The homeserver did not accept the reset: /);
  const retry = await mirror.db.pool.query(
    "SELECT retry_last_ts::text FROM destinations WHERE destination = '10.1.0.5'",
  );
  expect(retry.rows[0].retry_last_ts).not.toBe("0");
  const unknown = await api(mirror.server.url, mirror.admin, `${FED}/10.1.9.9/reset_connection`, "POST");
  expect(unknown).toEqual({ status: 404, text: '{"errcode":"M_NOT_FOUND","error":"Unknown destination"}' });
});
