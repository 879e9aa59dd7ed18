// The console's list against a real PostgreSQL (console-test-db.ts): status filters and
// sort, every order both ways, deep pages, search, index walks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { db, insert, NOW, q, type Row, viewer } from "./console-test-db";
import { listConsoleDestinations, orderByClause, filterWhere } from "./list-console-destinations";
import { DEFAULT_LIST_QUERY, CONSOLE_SORTS, type ConsoleListQuery } from "./console-list-query";
import { NEXT_RETRY_SQL, STATUS_FILTERS, STATUS_KINDS, STATUS_RANK_SQL } from "./destination-status";
import { listDestinations } from "./list-destinations";
import { containsPattern } from "./paging";

// Every combination of the columns the status depends on.
function combinations(): Row[] {
  const out: Row[] = [];
  let i = 0;
  for (const rlt of [0n, NOW - 1000n])
    for (const la of [null, NOW - 5000n, NOW])
      for (const kind of [null, "IP_BLOCKED", "CONNECT_REFUSED"])
        for (const cu of [null, NOW - 1n, NOW, NOW + 1n])
          for (const wr of [null, NOW - 2n])
            for (const lo of [null, "success", "failure"])
              out.push({
                destination: `c${String(i++).padStart(3, "0")}.example`,
                retry_last_ts: rlt,
                retry_interval: rlt ? 600_000n : 0n,
                failure_ts: rlt ? NOW - 9000n : null,
                last_attempt_ts: la,
                last_outcome: lo,
                last_error_kind: kind,
                claimed_until: cu,
                wake_requested_at: wr,
              });
  return out;
}

test("every status filter selects exactly the rows destinationStatus names so (all combinations)", async () => {
  const rows = combinations(); // more than a console page: read them in one (size 1000)
  await insert(rows);
  const all = await listConsoleDestinations(db.pool, viewer, q({ size: 1000 }), NOW);
  assert.equal(all.total, BigInt(rows.length));
  for (const kind of STATUS_KINDS) {
    const page = await listConsoleDestinations(db.pool, viewer, q({ status: kind, size: 1000 }), NOW);
    const expected = all.items.filter((d) => d.status.kind === kind).map((d) => d.destination);
    assert.deepEqual(
      page.items.map((d) => d.destination),
      expected,
      kind,
    );
    assert.equal(page.total, BigInt(expected.length), kind);
    for (const d of page.items) assert.equal(d.status.kind, kind);
  }
  const failing = await listConsoleDestinations(db.pool, viewer, q({ status: "failing", size: 1000 }), NOW);
  assert.deepEqual(
    failing.items.map((d) => d.destination),
    all.items.filter((d) => d.retryLastTs > 0n).map((d) => d.destination),
  );
  // The filters partition the table.
  let sum = 0n;
  for (const kind of STATUS_KINDS)
    sum += (await listConsoleDestinations(db.pool, viewer, q({ status: kind, size: 1000 }), NOW)).total;
  assert.equal(sum, BigInt(rows.length));
  assert.ok(STATUS_FILTERS.includes("failing"));
});

test("status sort key agrees with destinationStatus except for expired claims", async () => {
  await insert(combinations());
  const page = await listConsoleDestinations(db.pool, viewer, q({ sort: "status" }), NOW);
  const rank = { healthy: 0, retrying: 1, never_contacted: 2, reachable_backing_off: 3, backing_off: 4, blocked: 5 };
  const live = page.items.filter((d) => d.claimedUntil === null);
  const ranks = live.map((d) => rank[d.status.kind]);
  assert.deepEqual(
    ranks,
    [...ranks].sort((a, b) => a - b),
  );
});

test("the stored sort keys equal their expressions on every combination (status_rank, next_retry_ts)", async () => {
  const rows = combinations();
  // Extremes of next retry: numeric, so no bigint overflow.
  rows.push({
    destination: "max.example",
    retry_last_ts: 9_223_372_036_854_775_807n,
    retry_interval: 9_223_372_036_854_775_807n,
  });
  await insert(rows);
  const r = await db.pool.query<{
    destination: string;
    rank: number;
    want_rank: number;
    next: string | null;
    want_next: string | null;
  }>(
    `SELECT destination, status_rank AS rank, ${STATUS_RANK_SQL} AS want_rank, next_retry_ts::text AS next, ${NEXT_RETRY_SQL}::text AS want_next FROM destinations`,
  );
  assert.equal(r.rows.length, rows.length);
  const ranks = new Set<number>();
  for (const row of r.rows) {
    assert.equal(row.rank, row.want_rank, row.destination);
    assert.equal(row.next, row.want_next, row.destination);
    ranks.add(row.rank);
  }
  assert.deepEqual([...ranks].sort(), [0, 1, 2, 3, 4, 5]);
  assert.equal(r.rows.find((x) => x.destination === "max.example")?.next, "18446744073709551614");
  // Kept on update: a claim makes the row "retrying", its release gives the rank back.
  await db.pool.query("UPDATE destinations SET claimed_until = 1 WHERE destination = 'max.example'");
  const claimed = await db.pool.query("SELECT status_rank FROM destinations WHERE destination = 'max.example'");
  assert.equal(claimed.rows[0].status_rank, 1);
  await db.pool.query(
    "UPDATE destinations SET claimed_until = NULL, retry_last_ts = 0 WHERE destination = 'max.example'",
  );
  const released = await db.pool.query(
    "SELECT status_rank, next_retry_ts FROM destinations WHERE destination = 'max.example'",
  );
  assert.deepEqual(released.rows[0], { status_rank: 2, next_retry_ts: null });
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

/** An order with the stored sort keys spelled as their expressions: the order before they were stored. */
const byExpression = (orderBy: string) =>
  orderBy.replace("destinations.status_rank", STATUS_RANK_SQL).replace("destinations.next_retry_ts", NEXT_RETRY_SQL);

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
          `SELECT destination FROM destinations ${where} ORDER BY ${byExpression(orderByClause(sort, dir))} LIMIT 100 OFFSET 500`,
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

test("a wide search counts exactly, mixed-case names included (the API's count)", async () => {
  await db.pool.query(
    `INSERT INTO destinations (destination) SELECT CASE WHEN i % 7 = 0 THEN 'H' || i || '.example.Net' ELSE 'h' || i || '.example.net' END
     FROM generate_series(1, 700) i UNION ALL SELECT 'other' || i FROM generate_series(1, 300) i`,
  );
  await db.pool.query("ANALYZE destinations");
  for (const search of ["example.NET", "h1", "ex", "H"]) {
    const want = await db.pool.query("SELECT count(*)::int AS n FROM destinations WHERE destination ILIKE $1", [
      containsPattern(search),
    ]);
    const got = await listConsoleDestinations(db.pool, viewer, q({ search }), NOW);
    assert.equal(got.total, BigInt(want.rows[0].n), search);
  }
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
  // A deep page's key walk (deferred-join.ts) reads the index alone for every order, the
  // status and next-retry orders included (stored columns, not expressions).
  await db.pool.query("VACUUM ANALYZE destinations");
  for (const sort of CONSOLE_SORTS) {
    for (const dir of ["asc", "desc"] as const) {
      const plan = await db.pool.query(
        `EXPLAIN SELECT destinations.destination FROM destinations ORDER BY ${orderByClause(sort, dir)} OFFSET 2000 LIMIT 100`,
      );
      const text = plan.rows.map((r) => r["QUERY PLAN"]).join("\n");
      assert.match(text, /Index Only Scan/, `${sort} ${dir}:\n${text}`);
    }
  }
});

test("viewers may list; the list refuses nothing but checks the principal", async () => {
  await insert([{ destination: "v.example" }]);
  const r = await listConsoleDestinations(db.pool, viewer, q({}), NOW);
  assert.equal(r.items[0].status.kind, "never_contacted");
});

test("a deep unfiltered page by name comes from the name blocks, row for row what the walk returns", async () => {
  await db.pool.query(
    `INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_attempt_ts, rooms_count)
     SELECT 'n' || lpad(((i * 7919) % 12500)::text, 5, '0') || '.example',
       CASE WHEN i % 4 = 0 THEN $1::bigint - i ELSE 0 END, CASE WHEN i % 4 = 0 THEN 60000 ELSE 0 END,
       CASE WHEN i % 4 = 0 THEN $1::bigint - 5 END, $1::bigint - (i % 11), i % 6
     FROM generate_series(1, 12500) i`,
    [NOW.toString()],
  );
  for (const dir of ["asc", "desc"] as const) {
    const query = q({ sort: "destination", dir, size: 100, page: 111 }); // from 11,000
    const got = await listConsoleDestinations(db.pool, viewer, query, NOW);
    const want = await db.pool.query(
      `SELECT destination FROM destinations ORDER BY destination ${dir} LIMIT 100 OFFSET 11000`,
    );
    assert.equal(got.total, 12500n);
    assert.deepEqual(
      got.items.map((d) => d.destination),
      want.rows.map((r) => r.destination),
      dir,
    );
    // Blocks that do not add up are not trusted: the walk, with the same rows field for field.
    await db.pool.query("UPDATE destination_blocks SET n = n + 1 WHERE bound = ''");
    const walked = await listConsoleDestinations(db.pool, viewer, query, NOW);
    await db.pool.query("SELECT destination_blocks_rebuild()");
    assert.deepEqual(walked, got, `${dir}: the block page and the walk agree`);
  }
});
