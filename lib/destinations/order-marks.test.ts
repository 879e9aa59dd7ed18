// destination_order_marks and destination_order_log (the other orders' deep pages) against a
// real PostgreSQL: after updates that move rows, inserts, deletes and renames, and with a writer
// whose transaction spans a refresh, every page from the marks equals Synapse's plain OFFSET;
// marks that cannot vouch for a page (none, a long log, drift) give way to the walk.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createTestDatabase, type TestDatabase } from "../testing/test-database";
import {
  MAX_LOGGED,
  markedPage,
  refreshInBackground,
  refreshOrderMarks,
  TRIM_AT_LOGGED,
  trimOrderLog,
} from "./order-marks";
import { listDestinations } from "./list-destinations";
import { CLI_PRINCIPAL } from "../auth/principal";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.close();
});
beforeEach(async () => {
  await refreshInBackground();
  await db.pool.query("TRUNCATE destinations CASCADE");
});

/**
 * A refresh once the one a read asked for in the background (if any) is done: a reader of a page without
 * marks starts one (requestRefresh), and the two would race for the lock.
 */
async function refreshNow(): Promise<boolean> {
  await refreshInBackground();
  return refreshOrderMarks(db.pool);
}

const SORTS = ["retry_last_ts", "retry_interval", "failure_ts", "last_successful_stream_ordering"] as const;

// 20,000 rows: keys with many ties (retry_interval), NULL groups of different sizes
// (failure_ts 60 %, last_successful_stream_ordering 25 %), names not in key order.
async function fill(n = 20_000): Promise<void> {
  await db.pool.query(
    `INSERT INTO destinations (destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering)
     SELECT 'h' || lpad(((g * 7919) % $1)::text, 6, '0') || '.example',
            CASE WHEN g % 3 = 0 THEN 0 ELSE 1700000000000 + (g * 104729) % 5000000 END,
            CASE WHEN g % 3 = 0 THEN 0 ELSE 60000 * (1 + g % 7) END,
            CASE WHEN g % 5 < 3 THEN NULL ELSE 1690000000000 + (g * 31) % 100000 END,
            CASE WHEN g % 4 = 0 THEN NULL ELSE (g * 13) % 9000 END
     FROM generate_series(1, $1) g`,
    [n],
  );
}

/** How many marks and logged rows there are. */
async function leftOver(): Promise<{ marks: string; logged: string }> {
  const r = await db.pool.query<{ marks: string; logged: string }>(
    "SELECT (SELECT count(*) FROM destination_order_marks) AS marks, (SELECT count(*) FROM destination_order_log) AS logged",
  );
  return r.rows[0];
}

async function want(sort: string, dir: "f" | "b", from: number, limit: number): Promise<string[]> {
  const r = await db.pool.query<{ destination: string }>(
    `SELECT destination FROM destinations ORDER BY ${sort} ${dir === "b" ? "DESC" : "ASC"}, destination ASC OFFSET $1 LIMIT $2`,
    [from, limit],
  );
  return r.rows.map((x) => x.destination);
}

async function samePages(label: string, opts: { mustMark: boolean }) {
  const total = Number((await db.pool.query("SELECT count(*) AS n FROM destinations")).rows[0].n);
  let marked = 0;
  for (const sort of SORTS)
    for (const dir of ["f", "b"] as const) {
      // Synapse's order once; each page is a slice of it (as its OFFSET … LIMIT would return).
      const order = await want(sort, dir, 0, total);
      for (const from of [
        4095,
        4096,
        5000,
        8192,
        9000,
        11_999,
        12_000,
        Math.floor(total / 2),
        total - 100,
        total - 1,
      ]) {
        for (const limit of [1, 100, 3000]) {
          const got = await markedPage(db.pool, sort, dir, BigInt(from), BigInt(limit));
          if (!got) continue;
          marked++;
          assert.equal(got.total, BigInt(total), `${label}: total`);
          assert.deepEqual(
            got.rows.map((r) => r.destination),
            order.slice(from, from + limit),
            `${label}: ${sort} ${dir} from=${from} limit=${limit}`,
          );
        }
      }
    }
  if (opts.mustMark) assert.ok(marked > 0, `${label}: the marks served pages`);
  return marked;
}

test("pages from the marks equal Synapse's OFFSET after moves, inserts, deletes and a rename", async () => {
  await fill();
  assert.equal(await markedPage(db.pool, "failure_ts", "f", 10_000n, 10n), null, "no marks yet: walk");
  assert.equal(await refreshNow(), true);
  const marks = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM destination_order_marks");
  assert.equal(Number(marks.rows[0].n), 8 * 5, "every 4,096th row of 20,000 in eight orders");
  assert.equal(await samePages("right after the refresh", { mustMark: true }), 8 * 10 * 3, "every deep page marked");

  // Fewer than REFRESH_AT_LOGGED logged rows, so that no background refresh empties the log:
  // the pages come from the marks corrected by the log.
  await db.pool.query(`UPDATE destinations SET retry_last_ts = 1800000000000 + (hashtext(destination) & 65535),
      retry_interval = 600000, failure_ts = coalesce(failure_ts, 1695000000000), last_successful_stream_ordering = NULL
    WHERE destination LIKE 'h000%1.example'`); // ~100 rows move to the end (and out of the NULL groups)
  await db.pool.query(`UPDATE destinations SET retry_last_ts = 0, retry_interval = 0, failure_ts = NULL
    WHERE destination LIKE 'h001%2.example'`); // ~100 rows become healthy
  await db.pool.query("UPDATE destinations SET last_error_message = 'x' WHERE destination LIKE 'h02%'"); // not logged
  await db.pool.query(
    "INSERT INTO destinations (destination, failure_ts) SELECT 'a' || g || '.new', CASE WHEN g % 2 = 0 THEN g END FROM generate_series(1, 300) g",
  );
  await db.pool.query("DELETE FROM destinations WHERE destination LIKE 'h0015%'");
  await db.pool.query(
    "UPDATE destinations SET destination = 'zz-renamed.example' WHERE destination = 'h000005.example'",
  );
  const logged = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM destination_order_log");
  assert.ok(Number(logged.rows[0].n) > 500 && Number(logged.rows[0].n) < 4096, `logged ${logged.rows[0].n}`);
  await samePages("after changes, from the log", { mustMark: true });

  // The list itself takes the marks for a deep page in another order.
  const page = await listDestinations(db.pool, CLI_PRINCIPAL, {
    orderBy: "retry_interval",
    dir: "b",
    from: 10_000n,
    limit: 5n,
  });
  assert.deepEqual(
    page.items.map((d) => d.destination),
    await want("retry_interval", "b", 10_000, 5),
  );
  await refreshNow();
  const after = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM destination_order_log");
  assert.equal(after.rows[0].n, "0", "the refresh empties the log it took in");
  await samePages("after the second refresh", { mustMark: true });
});

test("a writer whose transaction spans a refresh is counted once: its log outlives the refresh", async () => {
  await fill();
  await refreshNow();
  const c = await db.pool.connect();
  try {
    await c.query("BEGIN");
    await c.query(
      "UPDATE destinations SET failure_ts = NULL, retry_last_ts = 1 WHERE destination LIKE 'h00%5.example'",
    );
    await c.query("DELETE FROM destinations WHERE destination LIKE 'h01%7.example'");
    // The refresh's snapshot sees neither the changes nor their log rows.
    assert.equal(await refreshNow(), true);
    await c.query("COMMIT");
  } finally {
    c.release();
  }
  const logged = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM destination_order_log");
  assert.ok(Number(logged.rows[0].n) > 0, "the writer's log rows were kept");
  await samePages("after the spanning writer", { mustMark: true });
});

test("marks that cannot vouch for a page give way to the walk; the trim drops a long log", async () => {
  await fill();
  await refreshNow();
  // A page shallower than the log is long: no mark is sure to be before it.
  await db.pool.query("UPDATE destinations SET retry_interval = retry_interval + 1 WHERE destination < 'h002000'");
  assert.equal(await markedPage(db.pool, "retry_interval", "f", 3000n, 10n), null, "from within the log's length");
  // Counts that do not add up (never expected): not trusted.
  await db.pool.query("UPDATE destination_order_marks SET total = total + 1");
  assert.equal(await markedPage(db.pool, "retry_interval", "f", 15_000n, 10n), null, "drifted marks");
  const walked = await listDestinations(db.pool, CLI_PRINCIPAL, {
    orderBy: "retry_interval",
    dir: "f",
    from: 15_000n,
    limit: 4n,
  });
  assert.deepEqual(
    walked.items.map((d) => d.destination),
    await want("retry_interval", "f", 15_000, 4),
  );
  await refreshNow();
  // Past MAX_LOGGED logged rows the marks are not used.
  await db.pool.query("UPDATE destinations SET retry_last_ts = retry_last_ts + 1");
  assert.ok(20_000 * 2 > MAX_LOGGED);
  assert.equal(await markedPage(db.pool, "retry_last_ts", "f", 15_000n, 10n), null, "a log too long");
  // That reader asked for a refresh in the background; once it is done, two more rounds of
  // updates log 80,000 rows with no reader to refresh them.
  await refreshInBackground();
  await db.pool.query("UPDATE destinations SET retry_last_ts = retry_last_ts + 1");
  assert.equal(await trimOrderLog(db.pool), false, `${20_000 * 2} logged rows: under the trim's ${TRIM_AT_LOGGED}`);
  await db.pool.query("UPDATE destinations SET retry_last_ts = retry_last_ts + 1");
  assert.equal(await trimOrderLog(db.pool), true);
  assert.deepEqual(await leftOver(), { marks: "0", logged: "0" });
});

test("a truncate drops marks and log", async () => {
  await fill(5000);
  await refreshNow();
  await db.pool.query("UPDATE destinations SET retry_interval = 1 WHERE destination < 'h000100'");
  await db.pool.query("TRUNCATE destinations CASCADE");
  assert.deepEqual(await leftOver(), { marks: "0", logged: "0" });
});
