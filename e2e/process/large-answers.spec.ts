// Answers to a huge `limit` over 100k rows: the server's memory stays bounded (the rows are
// streamed from a cursor, never built in memory), the answer equals a paged read, and large
// answers beyond the bound per member get 429 M_LIMIT_EXCEEDED with retry_after_ms.
import { test, expect } from "@playwright/test";
import { createTestDatabase, type TestDatabase } from "../../lib/testing/test-database";
import { rssMiB, sampleRss } from "../support/proc-stats";
import { memberWithToken, startServer, type RunningServer } from "../support/server";

const N = 100_000;
const HUGE = "9223372036854775807";
const FED = "/_synapse/admin/v1/federation/destinations";
const ROOMS_OF = "d0000001.example.org";
let db: TestDatabase;
let server: RunningServer;
const tokens: string[] = [];

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  db = await createTestDatabase();
  await db.pool.query(
    `INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering)
     SELECT 'd' || lpad(i::text, 7, '0') || '.example.org', 1700000000000 + i, 600000, 1690000000000 + i, 9007199254740993 + i
     FROM generate_series(1, $1) i`,
    [N],
  );
  await db.pool.query(
    `INSERT INTO destination_rooms (destination, room_id, stream_ordering)
     SELECT $2, '!room' || lpad(i::text, 7, '0') || ':example.org', 9007199254740993 + i FROM generate_series(1, $1) i`,
    [N, ROOMS_OF],
  );
  // Pool 12: four large answers at once are within the process's bound (a third of the pool).
  const env = { DATABASE_URL: db.url, FEDERATION_SCHEDULER: "off", DATABASE_POOL_SIZE: "12" };
  // The database is migrated already: the members are made while the server starts.
  const member = (who: string) =>
    memberWithToken(env, { email: `${who}@example.org`, role: "viewer", password: `${who}-password-1` });
  const [started, ...made] = await Promise.all([startServer(env), member("a"), member("b")]);
  server = started;
  tokens.push(...made);
});

test.afterAll(async () => {
  await server?.stop();
  await db?.close();
});

const get = (path: string, token: string, signal?: AbortSignal) =>
  fetch(server.url + path, { headers: { Authorization: `Bearer ${token}` }, signal });

/** The page as pages of 1,000 (the buffered path) would assemble it. */
async function pagedRead(path: string, key: string): Promise<string> {
  const items: string[] = [];
  let total = "";
  for (let from = 0; ; from += 1000) {
    const text = await (await get(`${path}?from=${from}&limit=1000`, tokens[0])).text();
    total = /"total":(\d+)/.exec(text)![1];
    const part = text.slice(text.indexOf("[") + 1, text.lastIndexOf("]"));
    if (part) items.push(part);
    if (from + 1000 >= Number(total)) break;
  }
  return `{"${key}":[${items.join(",")}],"total":${total}}`;
}

async function fourAtOnce(path: string, key: string): Promise<void> {
  const pid = server.proc.pid!;
  const expected = await pagedRead(path, key);
  for (let i = 0; i < 20; i++) await (await get(`${path}?limit=100`, tokens[0])).text(); // warm
  await new Promise((r) => setTimeout(r, 500));
  const before = rssMiB(pid);
  const peak = sampleRss(pid);
  const started = Date.now();
  const bodies = await Promise.all(
    [0, 0, 1, 1].map(async (t) => {
      const r = await get(`${path}?limit=${HUGE}`, tokens[t]);
      expect(r.status).toBe(200);
      return r.text();
    }),
  );
  const high = peak.stop();
  const mb = bodies.reduce((n, b) => n + b.length, 0) / 1e6;
  console.log(
    `${key}: four answers of ${(bodies[0].length / 1e6).toFixed(1)} MB (${mb.toFixed(0)} MB) in ${Date.now() - started} ms; ` +
      `server RSS ${before.toFixed(0)} MiB before, peak ${high.toFixed(0)} MiB (+${(high - before).toFixed(0)} MiB)`,
  );
  for (const b of bodies) expect(b === expected, "the answer equals the paged read").toBe(true);
  // Built in memory, four such answers raised the peak by 400–600 MiB; streamed, what is left
  // is the garbage collector's slack (a few tens of MiB), whatever the answers' size.
  expect(high - before).toBeLessThan(150);
}

test("list: four huge-limit answers at once keep the server's memory bounded and equal a paged read", async () => {
  test.setTimeout(120_000);
  await fourAtOnce(FED, "destinations");
});

test("rooms: the same for a destination's 100k rooms", async () => {
  test.setTimeout(120_000);
  await fourAtOnce(`${FED}/${ROOMS_OF}/rooms`, "rooms");
});

test("a third large answer at once for the same member: 429 M_LIMIT_EXCEEDED; accepted again once one ends", async () => {
  test.setTimeout(60_000);
  const [a, b] = tokens;
  // Two answers in progress: headers received, bodies not read (the server waits on the client).
  const held = [new AbortController(), new AbortController()];
  const open = await Promise.all(held.map((c) => get(`${FED}?limit=${HUGE}`, a, c.signal)));
  for (const r of open) expect(r.status).toBe(200);
  const third = await get(`${FED}?limit=${HUGE}`, a);
  expect(third.status).toBe(429);
  const body = await third.json();
  expect(body).toMatchObject({ errcode: "M_LIMIT_EXCEEDED", retry_after_ms: 1000 });
  expect(body.error).toMatch(/at most 2 at once/);
  // The bound is per member: another member is served, and small pages are never counted.
  const other = await get(`${FED}?limit=${HUGE}`, b);
  expect(other.status).toBe(200);
  await other.body?.cancel();
  expect((await get(`${FED}?limit=100`, a)).status).toBe(200);
  // A client that goes away gives its slot back.
  held[0].abort();
  await open[0].body?.cancel().catch(() => {});
  let again = 0;
  for (let i = 0; i < 50 && again !== 200; i++) {
    const r = await get(`${FED}?limit=${HUGE}`, a);
    again = r.status;
    await r.body?.cancel();
    if (again !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  expect(again).toBe(200);
  held[1].abort();
});
