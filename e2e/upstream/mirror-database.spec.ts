// Mirror mode reading the homeserver's own PostgreSQL: Synapse's table definitions
// (lib/upstream/testing/synapse-schema.sql) in a fresh database on the machine's PostgreSQL (or
// the embedded one), read by a role with SELECT on destinations and destination_rooms only.
// Resets still go to the admin API (a fake upstream here); without one they are refused.
import { test, expect } from "@playwright/test";
import { createTestDatabase, type TestDatabase } from "../../lib/testing/test-database";
import { createSynapseDatabase, type SynapseDatabase } from "../../lib/upstream/testing/synapse-database";
import { FakeUpstream } from "../../lib/upstream/testing/fake-upstream";
import { api, exactJson, FED, fullPassAfter, type Instance, startMirror } from "./mirror-helpers";

test.describe.configure({ mode: "serial" });

let server: TestDatabase;
let synapse: SynapseDatabase;
let fake: FakeUpstream;
let mirror: Instance;
let dbOnly: Instance;
const BIG = "9223372036854775807";

test.beforeAll(async () => {
  server = await createTestDatabase();
  synapse = await createSynapseDatabase(server.url, {
    load: async (c) => {
      await c.query("INSERT INTO rooms SELECT '!r' || g || ':hs.test' FROM generate_series(1, 40) g");
      await c.query(`
        INSERT INTO destinations
        SELECT '10.2.' || (g / 250) || '.' || (g % 250),
               CASE WHEN g % 3 = 0 THEN 1800000000000 + g WHEN g % 3 = 1 THEN NULL ELSE 0 END,
               CASE WHEN g % 3 = 0 THEN 600000 * g WHEN g % 3 = 1 THEN NULL ELSE 0 END,
               CASE WHEN g % 3 = 0 THEN 1790000000000 + g END,
               CASE WHEN g = 7 THEN ${BIG} WHEN g % 2 = 0 THEN g END
        FROM generate_series(1, 30) g`);
      await c.query(`
        INSERT INTO destination_rooms
        SELECT '10.2.' || (g / 250) || '.' || (g % 250), '!r' || k || ':hs.test', CASE WHEN k = 1 THEN ${BIG} ELSE g * 100 + k END
        FROM generate_series(1, 30) g, generate_series(1, 40) k WHERE k <= g % 6`);
    },
  });
  fake = await FakeUpstream.start();
  mirror = await startMirror({ url: fake.url, token: fake.token }, undefined, {
    FEDCONSOLE_UPSTREAM_DATABASE_URL: synapse.readOnlyUrl,
    FEDCONSOLE_UPSTREAM_SYNC_INTERVAL: "1s",
  });
});

test.afterAll(async () => {
  await dbOnly?.server.stop();
  await dbOnly?.db.close();
  await mirror?.server.stop();
  await mirror?.db.close();
  await fake?.close();
  await synapse?.close();
  await server?.close();
});

test("every destination and every room of Synapse's tables, NULL timings as 0, 64-bit values exact", async () => {
  await fullPassAfter(mirror, 0, ["ok"]);
  const want = (
    await synapse.admin.query(
      `SELECT destination, COALESCE(retry_last_ts, 0)::text AS rlt, COALESCE(retry_interval, 0)::text AS ri,
              failure_ts::text AS ft, last_successful_stream_ordering::text AS lsso
       FROM destinations ORDER BY destination COLLATE "C"`,
    )
  ).rows;
  const list = exactJson((await api(mirror.server.url, mirror.admin, `${FED}?limit=100`)).text);
  expect(list.total).toBe(want.length);
  expect(
    list.destinations.map((d: Record<string, unknown>) => [
      d.destination,
      String(d.retry_last_ts),
      String(d.retry_interval),
      d.failure_ts === null ? null : String(d.failure_ts),
      d.last_successful_stream_ordering === null ? null : String(d.last_successful_stream_ordering),
    ]),
  ).toEqual(want.map((w) => [w.destination, w.rlt, w.ri, w.ft, w.lsso]));
  // 64 bits exact in the raw text, not only after a lossy parse.
  expect((await api(mirror.server.url, mirror.admin, `${FED}/10.2.0.7`)).text).toContain(
    `"last_successful_stream_ordering":${BIG}`,
  );
  for (const w of want) {
    const rooms = (
      await synapse.admin.query(
        'SELECT room_id, stream_ordering::text AS so FROM destination_rooms WHERE destination = $1 ORDER BY room_id COLLATE "C"',
        [w.destination],
      )
    ).rows;
    const text = (await api(mirror.server.url, mirror.admin, `${FED}/${w.destination}/rooms?limit=100`)).text;
    const items = rooms.map((r) => `{"room_id":${JSON.stringify(r.room_id)},"stream_ordering":${r.so}}`);
    expect(text, w.destination).toBe(`{"rooms":[${items.join(",")}],"total":${rooms.length}}`);
  }
});

test("changes in Synapse's tables arrive with the next pass; the read-only role is all it needs", async () => {
  const t = Date.now();
  await synapse.admin.query(
    "UPDATE destinations SET retry_last_ts = 1900000000000, retry_interval = 1 WHERE destination = '10.2.0.2'",
  );
  await synapse.admin.query("DELETE FROM destination_rooms WHERE destination = '10.2.0.5'");
  await synapse.admin.query("DELETE FROM destinations WHERE destination = '10.2.0.5'");
  await fullPassAfter(mirror, t, ["ok"]);
  const d = JSON.parse((await api(mirror.server.url, mirror.admin, `${FED}/10.2.0.2`)).text);
  expect(d.retry_last_ts).toBe(1900000000000);
  expect((await api(mirror.server.url, mirror.admin, `${FED}/10.2.0.5`)).status).toBe(404);
});

test("resets go to the admin API; with a database source only they are refused, saying why", async () => {
  fake.set({
    destination: "10.2.0.3",
    retryLastTs: 5n,
    retryInterval: 5n,
    failureTs: 1n,
    lastSuccessfulStreamOrdering: null,
  });
  const ok = await api(mirror.server.url, mirror.admin, `${FED}/10.2.0.3/reset_connection`, "POST");
  expect(ok).toEqual({ status: 200, text: "{}" });
  expect(fake.resetRequests("10.2.0.3")).toBe(1);

  dbOnly = await startMirror({ url: "", token: "" }, undefined, {
    FEDCONSOLE_UPSTREAM_URL: "",
    FEDCONSOLE_UPSTREAM_TOKEN: "",
    FEDCONSOLE_UPSTREAM_DATABASE_URL: synapse.readOnlyUrl,
  });
  await fullPassAfter(dbOnly, 0, ["ok"]);
  const refused = await api(dbOnly.server.url, dbOnly.admin, `${FED}/10.2.0.6/reset_connection`, "POST");
  expect(refused.status).toBe(409);
  expect(JSON.parse(refused.text).error).toMatch(/reads the homeserver's database only.*FEDCONSOLE_UPSTREAM_URL/);
  const status = JSON.parse((await api(dbOnly.server.url, dbOnly.admin, "/_fedconsole/v1/upstream")).text);
  expect(status).toMatchObject({ mode: "mirror", source: "database", can_reset: false });
  expect(JSON.stringify(status)).not.toContain(synapse.readOnlyUrl.split("@")[0].split(":").pop()!);
});
