// The database source against Synapse's own table definitions (testing/synapse-schema.sql) in a
// fresh database on the machine's PostgreSQL (or the embedded one createTestDatabase falls back
// to), read through a role with only SELECT on destinations and destination_rooms.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import { loadSettings, type Env } from "../settings/settings";
import { createIpGuard } from "../federation/ip-guard";
import { createUpstreamPool } from "./database-connection";
import { createDatabaseSource, type DatabaseSource, type DatabaseSourceOptions } from "./database-source";
import { createSynapseDatabase, type SynapseDatabase } from "./testing/synapse-database";
import { type DestinationPage, UpstreamError, type UpstreamRoom } from "./types";

let server: TestDatabase;
let synapse: SynapseDatabase;
const sources: DatabaseSource[] = [];

const BIG = "9007199254740993"; // 2^53 + 1: Number would read 9007199254740992
const MAX = "9223372036854775807";
const WEIRD_ROOM = "!we\\ird\n\t'\\N:x";
const TAB_NAME = "tab\there\\";

async function fill(admin: pg.Pool): Promise<void> {
  await admin.query(`INSERT INTO rooms VALUES ('!r1:example.org'), ('!r2:example.org'), ('!r3:example.org'), ('')`);
  await admin.query("INSERT INTO rooms VALUES ($1)", [WEIRD_ROOM]);
  await admin.query(`
    INSERT INTO destinations VALUES
      ('a.example', NULL, NULL, NULL, NULL),
      ('B.example', ${BIG}, ${MAX}, ${BIG}, ${MAX}),
      ('b.example', 1700000000000, 600000, 1699999000000, -5),
      ('bad name', 1, 1, NULL, NULL),
      ('c.example:8448', 0, 0, NULL, 42),
      ('neg.example', -1, 0, NULL, NULL),
      ('under_score.example', NULL, NULL, NULL, NULL),
      ('z.example', 1800000000000, 1000, NULL, NULL)`);
  await admin.query(`
    INSERT INTO destination_rooms VALUES
      ('B.example', '!r2:example.org', -7),
      ('B.example', '!r1:example.org', ${BIG}),
      ('bad name', '!r1:example.org', 1),
      ('b.example', '!r3:example.org', 3),
      ('c.example:8448', '!r1:example.org', 1),
      ('c.example:8448', '!r2:example.org', 2),
      ('c.example:8448', '!r3:example.org', 3),
      ('z.example', '!r1:example.org', 9),
      ('z.example', '', 1)`);
  // Values COPY's text format has to escape: a tab, a newline, a quote, a backslash, "\N".
  await admin.query("INSERT INTO destinations VALUES ($1, NULL, NULL, NULL, NULL)", [TAB_NAME]);
  await admin.query("INSERT INTO destination_rooms VALUES ('c.example:8448', $1, 4), ($2, '!r1:example.org', 1)", [
    WEIRD_ROOM,
    TAB_NAME,
  ]);
}

function source(url: string, env: Env = {}, options: DatabaseSourceOptions = {}): DatabaseSource {
  const s = loadSettings({ FEDCONSOLE_UPSTREAM_DATABASE_URL: url, ...env });
  assert.ok(s.upstream);
  const src = createDatabaseSource(s.upstream, s.attempts, options);
  sources.push(src);
  return src;
}

const signal = () => AbortSignal.timeout(20_000);

async function pages(src: DatabaseSource, pageSize: number): Promise<DestinationPage[]> {
  const out: DestinationPage[] = [];
  for await (const p of src.scanDestinations(pageSize, signal())) out.push(p);
  return out;
}

/** A page as plain data: names, rooms as "room@ordering", problems by where. */
function plain(p: DestinationPage) {
  return {
    range: p.range,
    rows: p.rows.map((r) => r.destination),
    rooms: Object.fromEntries(
      [...(p.rooms ?? new Map<string, UpstreamRoom[]>())].map(([d, rs]) => [
        d,
        rs.map((r) => `${r.roomId}@${r.streamOrdering}`).sort(), // rooms come in no particular order
      ]),
    ),
    problems: p.problems.map((x) => x.where),
  };
}

before(async () => {
  server = await createTestDatabase();
  synapse = await createSynapseDatabase(server.url);
  await fill(synapse.admin);
});
after(async () => {
  for (const s of sources) await s.close().catch(() => {});
  await synapse?.close();
  await server?.close();
});

const EXPECTED_PAGES = [
  {
    range: { after: null, through: "bad name" },
    rows: ["B.example", "a.example", "b.example"],
    rooms: {
      "B.example": [`!r1:example.org@${BIG}`, "!r2:example.org@-7"],
      "a.example": [],
      "b.example": ["!r3:example.org@3"],
    },
    problems: ['destination "bad name"'],
  },
  {
    range: { after: "bad name", through: "under_score.example" },
    rows: ["c.example:8448"],
    rooms: { "c.example:8448": ["!r1:example.org@1", "!r2:example.org@2", "!r3:example.org@3", `${WEIRD_ROOM}@4`] },
    problems: [
      'destination "neg.example"',
      `destination ${JSON.stringify(TAB_NAME)}`,
      'destination "under_score.example"',
    ],
  },
  {
    range: { after: "under_score.example", through: null },
    rows: ["z.example"],
    rooms: { "z.example": ["!r1:example.org@9"] },
    problems: ['room "" of destination "z.example"'],
  },
];

test("a full scan: byte order, keyset pages with their rooms, exact 64-bit values, bad rows refused", async () => {
  const src = source(synapse.readOnlyUrl);
  assert.deepEqual(await src.ordering(signal()), { destinations: true, rooms: true }, "Synapse's C database");
  const got = await pages(src, 4);
  assert.deepEqual(got.map(plain), EXPECTED_PAGES);
  const rows = new Map(got.flatMap((p) => p.rows).map((r) => [r.destination, r]));
  assert.deepEqual(rows.get("a.example"), {
    destination: "a.example",
    retryLastTs: 0n,
    retryInterval: 0n,
    failureTs: null,
    lastSuccessfulStreamOrdering: null,
  });
  assert.deepEqual(rows.get("B.example"), {
    destination: "B.example",
    retryLastTs: BigInt(BIG),
    retryInterval: BigInt(MAX),
    failureTs: BigInt(BIG),
    lastSuccessfulStreamOrdering: BigInt(MAX),
  });
  assert.equal(rows.get("b.example")?.lastSuccessfulStreamOrdering, -5n);
  assert.match(got[1].problems[0].message, /negative retry timings/);
});

test("a scan whose last page is full ends with an empty page covering the rest", async () => {
  const got = await pages(source(synapse.readOnlyUrl), 3);
  assert.deepEqual(
    got.map((p) => [p.range, p.rows.length + p.problems.filter((x) => x.where.startsWith("destination")).length]),
    [
      [{ after: null, through: "b.example" }, 3],
      [{ after: "b.example", through: "neg.example" }, 3],
      [{ after: "neg.example", through: "z.example" }, 3],
      [{ after: "z.example", through: null }, 0],
    ],
  );
  const one = await pages(source(synapse.readOnlyUrl), 100);
  assert.equal(one.length, 1);
  assert.deepEqual(one[0].range, { after: null, through: null });
});

test("recent failures: retry_last_ts at or after the watermark, newest first, the new watermark", async () => {
  const src = source(synapse.readOnlyUrl);
  const r = await src.recentFailures(1_700_000_000_000n, {}, signal());
  assert.deepEqual(
    r.rows.map((x) => x.destination),
    ["B.example", "z.example", "b.example"],
  );
  assert.equal(r.watermark, BigInt(BIG));
  assert.equal(r.requests, 1);
  assert.equal(r.truncated, false);
  const none = await src.recentFailures(BigInt(BIG) + 1n, {}, signal());
  assert.deepEqual([none.rows, none.watermark], [[], BigInt(BIG) + 1n]);
  // 0 and NULL are "not failing", whatever the watermark; bad rows are problems.
  const all = await src.recentFailures(0n, {}, signal());
  assert.deepEqual(all.rows.map((x) => x.destination).sort(), ["B.example", "b.example", "z.example"]);
  assert.deepEqual(
    all.problems.map((p) => p.where),
    ['destination "bad name"'],
  );
  // At most 10 pages of rows, the newest: the rest waits for the next full pass.
  const small = source(synapse.readOnlyUrl, { FEDCONSOLE_UPSTREAM_PAGE_SIZE: "1" });
  const cut = await small.recentFailures(1n, {}, signal());
  assert.deepEqual([cut.rows.length + cut.problems.length, cut.truncated], [4, false]);
  await synapse.admin.query(
    "INSERT INTO destinations SELECT 'f' || g || '.example', g * 10, 1, NULL, NULL FROM generate_series(1, 8) g",
  );
  try {
    const more = await small.recentFailures(1n, {}, signal());
    assert.equal(more.truncated, true);
    assert.deepEqual(
      more.rows.map((r) => r.destination),
      [
        "B.example",
        "z.example",
        "b.example",
        "f8.example",
        "f7.example",
        "f6.example",
        "f5.example",
        "f4.example",
        "f3.example",
        "f2.example",
      ],
    );
    assert.equal(more.watermark, BigInt(BIG));
  } finally {
    await synapse.admin.query("DELETE FROM destinations WHERE destination LIKE 'f_.example'");
  }
});

test("point reads: one destination, its rooms, a destination without rooms, an unknown one", async () => {
  const src = source(synapse.readOnlyUrl);
  assert.equal((await src.destination("B.example", signal()))?.retryInterval, BigInt(MAX));
  assert.equal(await src.destination("nope.example", signal()), null);
  await assert.rejects(
    src.destination("neg.example", signal()),
    (e) => e instanceof UpstreamError && e.kind === "bad_response",
  );
  assert.deepEqual(await src.rooms("nope.example", signal()), { missing: true });
  assert.deepEqual(await src.rooms("a.example", signal()), { rooms: [], problems: [] });
  assert.deepEqual(await src.rooms("B.example", signal()), {
    rooms: [
      { roomId: "!r1:example.org", streamOrdering: BigInt(BIG) },
      { roomId: "!r2:example.org", streamOrdering: -7n },
    ],
    problems: [],
  });
  const z = await src.rooms("z.example", signal());
  assert.ok(!("missing" in z));
  assert.deepEqual([z.rooms.length, z.problems.map((p) => p.message)], [1, ["empty room_id"]]);
});

test("the label names the database and host, never the role or password", () => {
  const src = source(synapse.readOnlyUrl);
  const u = new URL(synapse.readOnlyUrl);
  assert.equal(src.kind, "database");
  assert.equal(src.label, `database ${synapse.name}@${u.hostname}${u.port && u.port !== "5432" ? `:${u.port}` : ""}`);
  assert.ok(!src.label.includes(decodeURIComponent(u.password)));
  assert.ok(!src.label.includes(synapse.role));
});

test("the role can only read, and the source's sessions are read-only, named and time-limited", async () => {
  const ro = new pg.Client({ connectionString: synapse.readOnlyUrl });
  await ro.connect();
  try {
    await assert.rejects(ro.query(`INSERT INTO destinations VALUES ('x.example', 0, 0, NULL, NULL)`), {
      code: "42501",
    });
    await assert.rejects(ro.query("SELECT * FROM rooms"), { code: "42501" });
  } finally {
    await ro.end();
  }
  const src = source(synapse.readOnlyUrl, { FEDCONSOLE_UPSTREAM_TIMEOUT: "7s" });
  await src.destination("a.example", signal()); // leaves one idle pooled connection
  const seen = await synapse.admin.query(
    "SELECT usename FROM pg_stat_activity WHERE application_name = 'fedconsole-mirror' AND datname = $1",
    [synapse.name],
  );
  assert.ok(seen.rows.some((r) => r.usename === synapse.role));
  // Even a role that could write cannot through the source's sessions.
  const pool = createUpstreamPool({
    url: synapse.adminUrl,
    timeoutMs: 7_000,
    guard: createIpGuard({ allowlist: ["127.0.0.0/8", "::1/128"] }),
  });
  try {
    const show = async (name: string) => (await pool.query(`SHOW ${name}`)).rows[0][name];
    assert.equal(await show("default_transaction_read_only"), "on");
    assert.equal(await show("statement_timeout"), "7s");
    assert.equal(await show("application_name"), "fedconsole-mirror");
    await assert.rejects(pool.query(`DELETE FROM destinations`), { code: "25006" }); // read_only_sql_transaction
    assert.equal(
      (await pool.query("SELECT retry_interval FROM destinations WHERE destination = 'B.example'")).rows[0]
        .retry_interval,
      MAX,
      "as text",
    );
  } finally {
    await pool.end();
  }
});

test("a role without the grant, a database that is not Synapse's, a port nobody listens on", async () => {
  const { admin } = synapse;
  const id = `fc_nogrant_${Date.now().toString(36)}`;
  await admin.query(`CREATE ROLE ${id} LOGIN PASSWORD 'pw'`);
  try {
    const u = new URL(synapse.readOnlyUrl);
    u.username = id;
    u.password = "pw";
    await assert.rejects(pages(source(u.toString()), 10), (e) => {
      assert.ok(e instanceof UpstreamError);
      assert.equal(e.kind, "unauthorized");
      assert.match(e.message, /permission denied/);
      return true;
    });
  } finally {
    await admin.query(`DROP ROLE ${id}`);
  }
  const empty = new URL(server.url);
  empty.pathname = "/postgres"; // no Synapse tables there
  await assert.rejects(source(empty.toString()).destination("a.example", signal()), (e) => {
    return e instanceof UpstreamError && e.kind === "bad_response" && /is this Synapse's database/.test(e.message);
  });
  const closed = new URL(synapse.readOnlyUrl);
  closed.port = "1";
  await assert.rejects(
    source(closed.toString()).rooms("a.example", signal()),
    (e) => e instanceof UpstreamError && e.kind === "unreachable",
  );
});

test("a statement that outlasts FEDCONSOLE_UPSTREAM_TIMEOUT, and an aborted read", async () => {
  const locker = await synapse.admin.connect();
  try {
    await locker.query("BEGIN");
    await locker.query("LOCK TABLE destinations IN ACCESS EXCLUSIVE MODE");
    const slow = source(synapse.readOnlyUrl, { FEDCONSOLE_UPSTREAM_TIMEOUT: "300" });
    await assert.rejects(
      slow.destination("a.example", signal()),
      (e) => e instanceof UpstreamError && e.kind === "timeout",
    );
    const src = source(synapse.readOnlyUrl);
    const started = Date.now();
    await assert.rejects(
      src.destination("a.example", AbortSignal.timeout(200)),
      (e) => e instanceof UpstreamError && e.kind === "timeout",
    );
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(new Error("stop")), 100);
    await assert.rejects(src.rooms("a.example", ctl.signal), /stop/);
    assert.ok(Date.now() - started < 5_000, "the abort ends the blocked query at once");
    await locker.query("ROLLBACK");
    assert.equal((await src.destination("a.example", signal()))?.destination, "a.example", "the pool recovers");
  } finally {
    await locker.query("ROLLBACK").catch(() => {});
    locker.release();
  }
});

test("a database in another collation is still read in byte order (cursor scan)", async (t) => {
  let icu: SynapseDatabase;
  try {
    icu = await createSynapseDatabase(server.url, { locale: "LOCALE_PROVIDER icu ICU_LOCALE 'und' LOCALE 'C'" });
  } catch (e) {
    t.skip(`this PostgreSQL cannot create an ICU database: ${e instanceof Error ? e.message : e}`);
    return;
  }
  try {
    await fill(icu.admin);
    const order = await icu.admin.query("SELECT array_agg(destination ORDER BY destination) AS a FROM destinations");
    assert.equal(order.rows[0].a[0], "a.example", "ICU sorts a before B: not byte order");
    const src = source(icu.readOnlyUrl);
    assert.deepEqual(await src.ordering(signal()), { destinations: false, rooms: false });
    assert.deepEqual((await pages(src, 4)).map(plain), EXPECTED_PAGES);
    // Stopping early gives the connection (and its open transaction) back.
    for await (const p of src.scanDestinations(1, signal())) {
      assert.equal(p.rows[0]?.destination, "B.example");
      break;
    }
    assert.equal((await src.destination("z.example", signal()))?.retryLastTs, 1_800_000_000_000n);
  } finally {
    await icu.close();
  }
});

test("a Unix-socket URL is local: no address to check", async (t) => {
  const dir = "/var/run/postgresql";
  const u = new URL(synapse.readOnlyUrl);
  if (!fs.existsSync(`${dir}/.s.PGSQL.${u.port || 5432}`)) {
    t.skip(`no PostgreSQL socket in ${dir} for port ${u.port || 5432} (embedded PostgreSQL listens on TCP only)`);
    return;
  }
  // Even with loopback closed to upstream connections.
  const url = `postgresql:///${synapse.name}?host=${dir}&port=${u.port || 5432}&user=${u.username}&password=${u.password}`;
  const src = source(url, { FEDCONSOLE_UPSTREAM_IP_RANGE_ALLOWLIST: "10.0.0.0/8" });
  assert.equal(src.label, `database ${synapse.name}@${dir}`);
  assert.equal((await src.destination("a.example", signal()))?.destination, "a.example");
});

test("a server that stops answering mid-session cannot hang a read (client-side deadline)", async () => {
  let frozen = false;
  const target = new URL(synapse.readOnlyUrl);
  const proxy = net.createServer((inbound) => {
    const outbound = net.connect(Number(target.port || 5432), target.hostname);
    inbound.on("data", (d) => frozen || outbound.write(d));
    outbound.on("data", (d) => frozen || inbound.write(d));
    const end = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on("close", end).on("error", end);
    outbound.on("close", end).on("error", end);
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  try {
    const via = new URL(synapse.readOnlyUrl);
    via.hostname = "127.0.0.1";
    via.port = String((proxy.address() as net.AddressInfo).port);
    const src = source(via.toString(), { FEDCONSOLE_UPSTREAM_TIMEOUT: "500" });
    assert.equal((await src.destination("a.example", signal()))?.destination, "a.example");
    frozen = true;
    const started = Date.now();
    await assert.rejects(src.destination("a.example", signal()), (e) => {
      assert.ok(e instanceof UpstreamError);
      assert.equal(e.kind, "timeout");
      assert.match(e.message, /no answer within 500 ms/);
      return true;
    });
    assert.ok(Date.now() - started < 5_000);
  } finally {
    proxy.close();
  }
});
