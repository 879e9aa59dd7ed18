// The console's list, detail, attempts and bulk reset against a real PostgreSQL.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import type { Principal } from "../auth/principal";
import { AppError } from "../errors";
import { listConsoleDestinations, orderByClause, filterWhere } from "./list-console-destinations";
import { DEFAULT_LIST_QUERY, CONSOLE_SORTS, type ConsoleListQuery } from "./console-list-query";
import { STATUS_FILTERS, STATUS_KINDS, destinationStatus } from "./destination-status";
import { getDestinationDetail } from "./get-destination-detail";
import { listAttempts } from "./list-attempts";
import { bulkResetConnections, countBulkReset } from "./bulk-reset";
import { listDestinations } from "./list-destinations";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE destinations, audit_events CASCADE");
});

const NOW = 1_800_000_000_000n;
const viewer: Principal = { userId: null, email: "v@x.test", role: "viewer", via: "console" };
const operator: Principal = { userId: null, email: "op@x.test", role: "operator", via: "console" };

type Row = {
  destination: string;
  retry_last_ts?: bigint;
  retry_interval?: bigint;
  failure_ts?: bigint | null;
  lsso?: bigint | null;
  last_attempt_ts?: bigint | null;
  last_error_kind?: string | null;
  claimed_until?: bigint | null;
  wake_requested_at?: bigint | null;
  rooms?: number;
};

async function insert(rows: Row[]) {
  for (const r of rows) {
    await db.pool.query(
      `INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering, last_attempt_ts,
         last_error_kind, claimed_until, wake_requested_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
      [
        r.destination,
        String(r.retry_last_ts ?? 0n),
        String(r.retry_interval ?? 0n),
        r.failure_ts?.toString() ?? null,
        r.lsso?.toString() ?? null,
        r.last_attempt_ts?.toString() ?? null,
        r.last_error_kind ?? null,
        r.claimed_until?.toString() ?? null,
        r.wake_requested_at?.toString() ?? null,
      ],
    );
    for (let i = 0; i < (r.rooms ?? 0); i++) {
      await db.pool.query("INSERT INTO destination_rooms (destination, room_id, stream_ordering) VALUES ($1, $2, $3)", [
        r.destination,
        `!r${i}:x`,
        i,
      ]);
    }
  }
}

// Every combination of the columns the status depends on.
function combinations(): Row[] {
  const out: Row[] = [];
  let i = 0;
  for (const rlt of [0n, NOW - 1000n])
    for (const la of [null, NOW - 5000n])
      for (const kind of [null, "IP_BLOCKED", "CONNECT_REFUSED"])
        for (const cu of [null, NOW - 1n, NOW, NOW + 1n])
          for (const wr of [null, NOW - 2n])
            out.push({
              destination: `c${String(i++).padStart(3, "0")}.example`,
              retry_last_ts: rlt,
              retry_interval: rlt ? 600_000n : 0n,
              failure_ts: rlt ? NOW - 9000n : null,
              last_attempt_ts: la,
              last_error_kind: kind,
              claimed_until: cu,
              wake_requested_at: wr,
            });
  return out;
}

const q = (over: Partial<ConsoleListQuery>): ConsoleListQuery => ({ ...DEFAULT_LIST_QUERY, size: 200, ...over });

test("every status filter selects exactly the rows destinationStatus names so (all combinations)", async () => {
  const rows = combinations();
  await insert(rows);
  const all = await listConsoleDestinations(db.pool, viewer, q({}), NOW);
  assert.equal(all.total, BigInt(rows.length));
  for (const kind of STATUS_KINDS) {
    const page = await listConsoleDestinations(db.pool, viewer, q({ status: kind }), NOW);
    const expected = all.items.filter((d) => d.status.kind === kind).map((d) => d.destination);
    assert.deepEqual(
      page.items.map((d) => d.destination),
      expected,
      kind,
    );
    assert.equal(page.total, BigInt(expected.length), kind);
    for (const d of page.items) assert.equal(d.status.kind, kind);
  }
  const failing = await listConsoleDestinations(db.pool, viewer, q({ status: "failing" }), NOW);
  assert.deepEqual(
    failing.items.map((d) => d.destination),
    all.items.filter((d) => d.retryLastTs > 0n).map((d) => d.destination),
  );
  // The filters partition the table.
  let sum = 0n;
  for (const kind of STATUS_KINDS)
    sum += (await listConsoleDestinations(db.pool, viewer, q({ status: kind }), NOW)).total;
  assert.equal(sum, BigInt(rows.length));
  assert.ok(STATUS_FILTERS.includes("failing"));
});

test("status sort key agrees with destinationStatus except for expired claims", async () => {
  await insert(combinations());
  const page = await listConsoleDestinations(db.pool, viewer, q({ sort: "status" }), NOW);
  const rank = { healthy: 0, retrying: 1, never_contacted: 2, backing_off: 3, blocked: 4 };
  const live = page.items.filter((d) => d.claimedUntil === null);
  const ranks = live.map((d) => rank[d.status.kind]);
  assert.deepEqual(
    ranks,
    [...ranks].sort((a, b) => a - b),
  );
});

test("sorts: every column both ways, NULLs last, ties by destination ascending; pages and totals", async () => {
  await insert([
    {
      destination: "a.example",
      retry_last_ts: NOW - 10n,
      retry_interval: 600_000n,
      failure_ts: NOW - 100n,
      lsso: 5n,
      last_attempt_ts: NOW - 10n,
      rooms: 2,
    },
    { destination: "b.example", last_attempt_ts: NOW - 20n, lsso: 7n, rooms: 3 },
    {
      destination: "c.example",
      retry_last_ts: NOW - 30n,
      retry_interval: 1_200_000n,
      failure_ts: NOW - 300n,
      last_attempt_ts: NOW - 30n,
    },
    { destination: "d.example", rooms: 1 },
    {
      destination: "e.example",
      retry_last_ts: NOW - 10n,
      retry_interval: 600_000n,
      failure_ts: NOW - 100n,
      last_attempt_ts: NOW - 10n,
      lsso: 5n,
      rooms: 2,
    },
  ]);
  const order = async (sort: ConsoleListQuery["sort"], dir: "asc" | "desc") =>
    (await listConsoleDestinations(db.pool, viewer, q({ sort, dir }), NOW)).items.map((d) => d.destination[0]).join("");
  assert.equal(await order("destination", "asc"), "abcde");
  assert.equal(await order("destination", "desc"), "edcba");
  assert.equal(await order("failure_ts", "asc"), "caebd");
  assert.equal(await order("failure_ts", "desc"), "aecbd");
  assert.equal(await order("last_attempt", "asc"), "cbaed");
  assert.equal(await order("last_attempt", "desc"), "aebcd");
  assert.equal(await order("next_retry", "asc"), "aecbd"); // a,e due at NOW+599990; c at NOW+1199970
  assert.equal(await order("next_retry", "desc"), "caebd");
  assert.equal(await order("retry_interval", "asc"), "bdaec");
  assert.equal(await order("retry_interval", "desc"), "caebd");
  assert.equal(await order("last_successful_stream_ordering", "asc"), "aebcd");
  assert.equal(await order("last_successful_stream_ordering", "desc"), "baecd");
  assert.equal(await order("rooms", "asc"), "cdaeb");
  assert.equal(await order("rooms", "desc"), "baedc");
  assert.equal(await order("status", "asc"), "bdace"); // healthy, never contacted, backing off
  assert.equal(await order("status", "desc"), "acedb");
  const p2 = await listConsoleDestinations(db.pool, viewer, q({ size: 25, page: 1 }), NOW);
  assert.equal(p2.total, 5n);
  const second = await listConsoleDestinations(db.pool, viewer, { ...DEFAULT_LIST_QUERY, size: 25, page: 2 }, NOW);
  assert.deepEqual(second.items, []);
  assert.equal(second.total, 5n);
  assert.equal(second.from, 25n);
});

test("deep pages (deferred join) return exactly what a plain OFFSET returns, every sort both ways, with filters", async () => {
  // 1,200 rows with many ties and NULLs, by one statement.
  await db.pool.query(
    `
    INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering, last_attempt_ts, last_error_kind, rooms_count)
    SELECT 'h' || lpad(i::text, 5, '0') || CASE WHEN i % 3 = 0 THEN '.example.net' ELSE '.example.org' END,
      CASE WHEN i % 4 = 0 THEN $1::bigint - i ELSE 0 END, CASE WHEN i % 4 = 0 THEN (i % 9) * 60000 ELSE 0 END,
      CASE WHEN i % 4 = 0 THEN $1::bigint - (i % 13) ELSE NULL END, CASE WHEN i % 10 = 0 THEN NULL ELSE i % 17 END,
      CASE WHEN i % 7 = 0 THEN NULL ELSE $1::bigint - (i % 11) END, CASE WHEN i % 50 = 0 THEN 'IP_BLOCKED' END, i % 6
    FROM generate_series(1, 1200) i`,
    [NOW.toString()],
  );
  for (const filter of [{}, { status: "healthy" as const }, { search: "EXAMPLE.ORG" }]) {
    for (const sort of CONSOLE_SORTS) {
      for (const dir of ["asc", "desc"] as const) {
        const query = q({ ...filter, sort, dir, size: 100, page: 6 }); // from 500: the deferred join
        const got = await listConsoleDestinations(db.pool, viewer, query, NOW);
        assert.equal(got.from, 500n);
        const { where, args } = filterWhere({ search: query.search, status: query.status }, NOW);
        const want = await db.pool.query(
          `SELECT destination FROM destinations ${where} ORDER BY ${orderByClause(sort, dir)} LIMIT 100 OFFSET 500`,
          args,
        );
        assert.ok(want.rows.length > 0, `${JSON.stringify(filter)} ${sort} ${dir}: the reference page is not empty`);
        assert.deepEqual(
          got.items.map((d) => d.destination),
          want.rows.map((r) => r.destination),
          `${JSON.stringify(filter)} ${sort} ${dir}`,
        );
      }
    }
  }
});

test("search is the API's: case-insensitive literal substring, and total counts the filtered set", async () => {
  await insert([
    { destination: "Matrix.ORG" },
    { destination: "mat_rix.example" },
    { destination: "matxrix.example" },
    { destination: "other" },
  ]);
  const r = await listConsoleDestinations(db.pool, viewer, q({ search: "matrix" }), NOW);
  assert.deepEqual(
    r.items.map((d) => d.destination),
    ["Matrix.ORG"],
  );
  const u = await listConsoleDestinations(db.pool, viewer, q({ search: "_" }), NOW);
  assert.deepEqual(
    u.items.map((d) => d.destination),
    ["mat_rix.example"],
  );
  assert.equal(u.total, 1n);
  const api = await listDestinations(db.pool, viewer, {
    from: 0n,
    limit: 100n,
    orderBy: "destination",
    dir: "f",
    search: "MAT",
  });
  const con = await listConsoleDestinations(db.pool, viewer, q({ search: "MAT" }), NOW);
  assert.deepEqual(
    con.items.map((d) => d.destination),
    api.items.map((d) => d.destination),
  );
});

test("every console order is an index walk (no Sort node), with and without a status filter", async () => {
  const values: string[] = [];
  for (let i = 0; i < 5000; i++)
    values.push(
      `('h${i}.example', ${i % 3 ? 0 : 1000 + i}, ${i % 3 ? 0 : 600000}, ${i % 5 ? "NULL" : i}, ${i % 2 ? "NULL" : i})`,
    );
  await db.pool.query(
    `INSERT INTO destinations (destination, retry_last_ts, retry_interval, last_attempt_ts, failure_ts) VALUES ${values.join(",")}`,
  );
  await db.pool.query("ANALYZE destinations");
  for (const sort of CONSOLE_SORTS) {
    for (const dir of ["asc", "desc"] as const) {
      const { where, args } = filterWhere({ search: "", status: null }, NOW);
      const plan = await db.pool.query(
        `EXPLAIN SELECT destination FROM destinations ${where} ORDER BY ${orderByClause(sort, dir)} LIMIT 100`,
        args,
      );
      const text = plan.rows.map((r) => r["QUERY PLAN"]).join("\n");
      assert.doesNotMatch(text, /Sort/, `${sort} ${dir}:\n${text}`);
    }
  }
});

test("rooms_count follows inserts, deletes and cascades", async () => {
  await insert([{ destination: "r.example", rooms: 3 }, { destination: "s.example" }]);
  const count = async (d: string) =>
    (await db.pool.query("SELECT rooms_count FROM destinations WHERE destination = $1", [d])).rows[0].rooms_count;
  assert.equal(await count("r.example"), 3);
  await db.pool.query(
    "INSERT INTO destination_rooms VALUES ('s.example', '!a:x', 1), ('s.example', '!b:x', 2), ('r.example', '!z:x', 3)",
  );
  assert.equal(await count("s.example"), 2);
  assert.equal(await count("r.example"), 4);
  await db.pool.query("UPDATE destination_rooms SET stream_ordering = stream_ordering + 1");
  assert.equal(await count("r.example"), 4);
  await db.pool.query("DELETE FROM destination_rooms WHERE destination = 'r.example' AND room_id <> '!z:x'");
  assert.equal(await count("r.example"), 1);
  await db.pool.query("UPDATE destination_rooms SET destination = 's.example' WHERE destination = 'r.example'");
  assert.equal(await count("r.example"), 0);
  assert.equal(await count("s.example"), 3);
});

test("detail and attempts: all fields, newest attempt first; unknown destination is not_found", async () => {
  await insert([
    {
      destination: "d.example",
      retry_last_ts: NOW - 10n,
      retry_interval: 600_000n,
      failure_ts: NOW - 99n,
      last_attempt_ts: NOW - 10n,
      last_error_kind: "CERT_EXPIRED",
      rooms: 2,
    },
  ]);
  await db.pool.query(
    "UPDATE destinations SET last_error_message = 'certificate has expired', resolved_address = '10.0.0.1:8448', server_software = 'Synapse', server_version = '1.99' WHERE destination = 'd.example'",
  );
  for (const [o, reason] of [
    ["success", null],
    ["failure", "CERT_EXPIRED"],
  ]) {
    await db.pool.query(
      `INSERT INTO attempts (destination, started_ts, duration_ms, trigger, outcome, stage, reason) VALUES ('d.example', $1, 12, 'schedule', $2, $3, $4)`,
      [String(NOW), o, reason ? "tls" : "done", reason],
    );
  }
  const d = await getDestinationDetail(db.pool, viewer, "d.example", NOW);
  assert.equal(d.status.kind, "backing_off");
  assert.equal(d.roomsCount, 2);
  assert.equal(d.resolvedAddress, "10.0.0.1:8448");
  assert.equal(d.serverVersion, "1.99");
  assert.equal(d.lastErrorKind, "CERT_EXPIRED");
  const a = await listAttempts(db.pool, viewer, "d.example");
  assert.deepEqual(
    a.map((x) => x.outcome),
    ["failure", "success"],
  );
  assert.equal(a[0].stage, "tls");
  await assert.rejects(
    getDestinationDetail(db.pool, viewer, "nope"),
    (e) => e instanceof AppError && e.code === "not_found",
  );
  await assert.rejects(
    getDestinationDetail(db.pool, viewer, "a\0b"),
    (e) => e instanceof AppError && e.code === "not_found",
  );
});

test("bulk reset: operator only; resets exactly the failing rows matching the filter, wakes them, one audit event", async () => {
  await insert([
    { destination: "x1.fail", retry_last_ts: NOW - 5n, retry_interval: 600_000n, failure_ts: NOW - 50n },
    {
      destination: "x2.fail",
      retry_last_ts: NOW - 5n,
      retry_interval: 600_000n,
      failure_ts: NOW - 50n,
      last_error_kind: "IP_BLOCKED",
    },
    { destination: "y.fail", retry_last_ts: NOW - 5n, retry_interval: 600_000n },
    { destination: "x3.ok", last_attempt_ts: NOW },
  ]);
  const f = { search: "x", status: "failing" as const };
  await assert.rejects(countBulkReset(db.pool, viewer, f, NOW), (e) => e instanceof AppError && e.code === "forbidden");
  await assert.rejects(
    bulkResetConnections(db.pool, viewer, f, NOW),
    (e) => e instanceof AppError && e.code === "forbidden",
  );
  assert.equal(await countBulkReset(db.pool, operator, f, NOW), 2n);
  assert.equal(await countBulkReset(db.pool, operator, { search: "x", status: "blocked" }, NOW), 1n);
  assert.equal(await countBulkReset(db.pool, operator, { search: "", status: null }, NOW), 3n);
  const r = await bulkResetConnections(db.pool, operator, f, NOW);
  assert.equal(r.count, 2n);
  const rows = (
    await db.pool.query(
      "SELECT destination, retry_last_ts::text, failure_ts, wake_requested_at::text FROM destinations ORDER BY destination",
    )
  ).rows;
  assert.deepEqual(rows, [
    { destination: "x1.fail", retry_last_ts: "0", failure_ts: null, wake_requested_at: String(NOW) },
    { destination: "x2.fail", retry_last_ts: "0", failure_ts: null, wake_requested_at: String(NOW) },
    { destination: "x3.ok", retry_last_ts: "0", failure_ts: null, wake_requested_at: null },
    { destination: "y.fail", retry_last_ts: String(NOW - 5n), failure_ts: null, wake_requested_at: null },
  ]);
  const audit = (await db.pool.query("SELECT actor, via, action, destination, detail FROM audit_events")).rows;
  assert.deepEqual(audit, [
    {
      actor: "op@x.test",
      via: "console",
      action: "destination.bulk_reset",
      destination: null,
      detail: { count: 2, search: "x", status: "failing" },
    },
  ]);
  // The reset rows now read as "Retrying now" until the scheduler has attempted them.
  const after = await listConsoleDestinations(db.pool, viewer, q({ status: "retrying" }), NOW);
  assert.deepEqual(
    after.items.map((d) => d.destination),
    ["x1.fail", "x2.fail"],
  );
  assert.equal(destinationStatus(after.items[0], NOW).kind, "retrying");
});

test("the unfiltered total is kept exact by triggers: inserts, upserts, deletes, truncate", async () => {
  const total = async () => (await listConsoleDestinations(db.pool, viewer, q({}), NOW)).total;
  const real = async () => BigInt((await db.pool.query("SELECT count(*) AS n FROM destinations")).rows[0].n);
  assert.equal(await total(), 0n);
  await insert([{ destination: "a" }, { destination: "b" }]);
  await db.pool.query("INSERT INTO destinations (destination) SELECT 'g' || i FROM generate_series(1, 50) i");
  assert.equal(await total(), 52n);
  await db.pool.query(
    "INSERT INTO destinations (destination) VALUES ('a'), ('new') ON CONFLICT (destination) DO UPDATE SET retry_interval = 1",
  );
  assert.equal(await total(), 53n);
  await db.pool.query("DELETE FROM destinations WHERE destination LIKE 'g1%'");
  assert.equal(await total(), await real());
  await db.pool.query("BEGIN; INSERT INTO destinations (destination) VALUES ('rolled-back'); ROLLBACK");
  assert.equal(await total(), await real());
  await db.pool.query("TRUNCATE destinations CASCADE");
  assert.equal(await total(), 0n);
});

test("viewers may list; the list refuses nothing but checks the principal", async () => {
  await insert([{ destination: "v.example" }]);
  const r = await listConsoleDestinations(db.pool, viewer, q({}), NOW);
  assert.equal(r.items[0].status.kind, "never_contacted");
});
