// A destination's detail and attempts against a real PostgreSQL (console-test-db.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { AppError } from "../errors";
import { db, insert, NOW, viewer } from "./console-test-db";
import { getDestinationDetail } from "./get-destination-detail";
import { listAttempts, listAttemptsPage } from "./list-attempts";

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

test("detail: the newest attempt's HTTP status; null with no attempt", async () => {
  await insert([{ destination: "h.example", last_attempt_ts: NOW }, { destination: "n.example" }]);
  for (const status of [200, 503]) {
    await db.pool.query(
      `INSERT INTO attempts (destination, started_ts, duration_ms, trigger, outcome, stage, http_status)
       VALUES ('h.example', $1, 5, 'schedule', 'failure', 'http', $2)`,
      [String(NOW), status],
    );
  }
  assert.equal((await getDestinationDetail(db.pool, viewer, "h.example", NOW)).lastHttpStatus, 503);
  assert.equal((await getDestinationDetail(db.pool, viewer, "n.example", NOW)).lastHttpStatus, null);
});

test("attempt pages: newest first, next_before until the oldest, each attempt once; unknown is not_found", async () => {
  await insert([{ destination: "p.example" }, { destination: "empty.example" }]);
  for (let i = 0; i < 7; i++) {
    await db.pool.query(
      `INSERT INTO attempts (destination, started_ts, duration_ms, trigger, outcome, stage) VALUES ('p.example', $1, 1, 'schedule', 'success', 'done')`,
      [String(NOW + BigInt(i))],
    );
  }
  const all = await listAttempts(db.pool, viewer, "p.example");
  assert.equal(all.length, 7);
  const seen: bigint[] = [];
  let before: bigint | null = null;
  let pages = 0;
  do {
    const page: Awaited<ReturnType<typeof listAttemptsPage>> = await listAttemptsPage(db.pool, viewer, "p.example", {
      limit: 3,
      before,
    });
    seen.push(...page.attempts.map((a) => a.id));
    before = page.nextBefore;
    pages++;
  } while (before !== null);
  assert.equal(pages, 3);
  assert.deepEqual(
    seen,
    all.map((a) => a.id),
  );
  // An exact fit ends without an empty page after it.
  const exact = await listAttemptsPage(db.pool, viewer, "p.example", { limit: 7, before: null });
  assert.equal(exact.attempts.length, 7);
  assert.equal(exact.nextBefore, null);
  const none = await listAttemptsPage(db.pool, viewer, "p.example", { limit: 5, before: all[6].id });
  assert.deepEqual(none, { attempts: [], nextBefore: null });
  assert.deepEqual(await listAttemptsPage(db.pool, viewer, "empty.example", { limit: 5, before: null }), {
    attempts: [],
    nextBefore: null,
  });
  for (const name of ["nope.example", "a\0b"]) {
    await assert.rejects(
      listAttemptsPage(db.pool, viewer, name, { limit: 5, before: null }),
      (e) => e instanceof AppError && e.code === "not_found",
    );
  }
});
