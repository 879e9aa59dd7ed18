// Adding and forgetting destinations against a real PostgreSQL (console-test-db.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { AppError } from "../errors";
import type { Principal } from "../auth/principal";
import { loadSettings } from "../settings/settings";
import { mirrorContextFrom } from "../upstream/mirror";
import { WAKE_CHANNEL } from "../federation/wake";
import { addDestinations, MAX_ADD, splitPastedNames } from "./add-destinations";
import { forgetDestination } from "./forget-destination";
import { bulkForgetDead, countBulkForget } from "./bulk-forget";
import { forgetInput, CONFIRM_MISMATCH } from "./forget-input";
import { parseInput } from "../http/action-input";
import { db, insert, NOW, operator, viewer } from "./console-test-db";

const admin: Principal = { userId: null, email: "ad@x.test", role: "admin", via: "api" };
const DAY = 86_400_000n;
const DEAD_AFTER = 7 * 86_400_000;
const standalone = { mirror: undefined, nowMs: Number(NOW), deadAfterMs: DEAD_AFTER };
const isCode = (code: string) => (e: unknown) => e instanceof AppError && e.code === code;
const mirror = () =>
  mirrorContextFrom(
    loadSettings({ FEDCONSOLE_UPSTREAM_URL: "http://127.0.0.1:9", FEDCONSOLE_UPSTREAM_TOKEN: "syt_x" }),
  );

test("add: validates each name, stores new ones never contacted with an attempt requested, NOTIFYs, audits", async () => {
  await insert([{ destination: "known.example" }]);
  const listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  const heard: string[] = [];
  listener.on("notification", (n) => heard.push(n.payload ?? ""));
  await listener.query(`LISTEN ${WAKE_CHANNEL}`);
  try {
    const r = await addDestinations(
      db.pool,
      operator,
      ["new.example", "known.example", "bad name", "new.example", "h:99999", 42, "[::1]:8448"],
      Number(NOW),
      undefined,
    );
    assert.deepEqual(r.added, ["new.example", "[::1]:8448"]);
    assert.deepEqual(r.existing, ["known.example"]);
    assert.deepEqual(
      r.invalid.map((i) => i.destination),
      ["bad name", "h:99999", "42"],
    );
    assert.match(r.invalid[0].error, /whitespace/);
    assert.match(r.invalid[1].error, /outside 1–65535/);
    const rows = (
      await db.pool.query(
        "SELECT destination, retry_last_ts::text, last_attempt_ts, wake_requested_at::text FROM destinations ORDER BY destination",
      )
    ).rows;
    assert.deepEqual(rows, [
      { destination: "[::1]:8448", retry_last_ts: "0", last_attempt_ts: null, wake_requested_at: String(NOW) },
      { destination: "known.example", retry_last_ts: "0", last_attempt_ts: null, wake_requested_at: null },
      { destination: "new.example", retry_last_ts: "0", last_attempt_ts: null, wake_requested_at: String(NOW) },
    ]);
    for (let i = 0; i < 50 && heard.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
    assert.deepEqual(heard, ["*"]);
    const audit = (await db.pool.query("SELECT action, destination, detail FROM audit_events")).rows;
    assert.deepEqual(audit, [
      {
        action: "destination.add",
        destination: null,
        detail: { added: ["new.example", "[::1]:8448"], existing: 1, invalid: 3 },
      },
    ]);
  } finally {
    await listener.end();
  }
});

test("add: operator only, a capped list, refused in mirror mode", async () => {
  await assert.rejects(addDestinations(db.pool, viewer, ["a.example"], Number(NOW), undefined), isCode("forbidden"));
  await assert.rejects(addDestinations(db.pool, operator, [], Number(NOW), undefined), isCode("invalid_param"));
  const many = Array.from({ length: MAX_ADD + 1 }, (_, i) => `h${i}.example`);
  await assert.rejects(
    addDestinations(db.pool, operator, many, Number(NOW), undefined),
    (e) => isCode("invalid_param")(e) && /At most 1000/.test((e as Error).message),
  );
  await assert.rejects(addDestinations(db.pool, operator, ["a.example"], Number(NOW), mirror()), isCode("bad_request"));
  assert.equal((await db.pool.query("SELECT count(*)::int AS n FROM destinations")).rows[0].n, 0);
});

test("paste box: names split on whitespace, commas and semicolons", () => {
  assert.deepEqual(splitPastedNames(" a.example,b.example;\n c.example:8448\t\n"), [
    "a.example",
    "b.example",
    "c.example:8448",
  ]);
});

test("forget: only a dead destination (unless forced), with its rooms and attempts; the audit keeps a snapshot", async () => {
  await insert([
    {
      destination: "dead.example",
      retry_last_ts: NOW - 1000n,
      retry_interval: 600_000n,
      failure_ts: NOW - 8n * DAY,
      rooms: 3,
    },
    { destination: "young.example", retry_last_ts: NOW - 1000n, retry_interval: 600_000n, failure_ts: NOW - 6n * DAY },
    { destination: "fine.example", last_attempt_ts: NOW },
  ]);
  await db.pool.query(
    "INSERT INTO attempts (destination, started_ts, duration_ms, trigger, outcome, stage) VALUES ('dead.example', 1, 5, 'schedule', 'failure', 'connect')",
  );
  await assert.rejects(forgetDestination(db.pool, operator, "dead.example", standalone), isCode("forbidden"));
  await assert.rejects(forgetDestination(db.pool, admin, "nope.example", standalone), isCode("not_found"));
  await assert.rejects(
    forgetDestination(db.pool, admin, "young.example", standalone),
    (e) => isCode("conflict")(e) && /not dead yet: it has been failing for 6 d/.test((e as Error).message),
  );
  await assert.rejects(
    forgetDestination(db.pool, admin, "fine.example", standalone),
    (e) => isCode("conflict")(e) && /not failing/.test((e as Error).message),
  );
  await assert.rejects(
    forgetDestination(db.pool, admin, "dead.example", { ...standalone, mirror: mirror() }),
    isCode("bad_request"),
  );

  await forgetDestination(db.pool, admin, "dead.example", standalone);
  const left = async (table: string) =>
    (await db.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE destination = 'dead.example'`)).rows[0].n;
  assert.deepEqual([await left("destinations"), await left("destination_rooms"), await left("attempts")], [0, 0, 0]);
  await forgetDestination(db.pool, admin, "fine.example", { ...standalone, force: true });
  const audit = (await db.pool.query("SELECT action, destination, detail FROM audit_events ORDER BY id")).rows;
  assert.equal(audit.length, 2);
  assert.deepEqual(audit[0], {
    action: "destination.forget",
    destination: "dead.example",
    detail: {
      snapshot: {
        destination: "dead.example",
        retry_last_ts: String(NOW - 1000n),
        retry_interval: "600000",
        failure_ts: String(NOW - 8n * DAY),
        last_successful_stream_ordering: null,
        last_attempt_ts: null,
        last_outcome: null,
        last_error_kind: null,
        last_error_message: null,
        last_success_ts: null,
        resolved_address: null,
        server_software: null,
        server_version: null,
        rooms_count: 3,
        attempts: 1,
      },
    },
  });
  assert.equal(audit[1].detail.forced, true);
});

test("forget from the console: the name typed again, exactly", () => {
  const form = (confirm: string) => {
    const f = new FormData();
    f.set("destination", "a.example");
    f.set("confirm", confirm);
    return f;
  };
  for (const typed of ["", "a.exampl", "A.example", " a.example"])
    assert.throws(
      () => parseInput(forgetInput, form(typed)),
      (e) => isCode("invalid_param")(e) && (e as Error).message === CONFIRM_MISMATCH,
    );
  assert.deepEqual(parseInput(forgetInput, form("a.example")), {
    destination: "a.example",
    confirm: "a.example",
    force: false,
  });
});

test("bulk forget: the dead ones matching the filter, exactly the confirmed count, an event each and one for the bulk", async () => {
  await insert([
    { destination: "a.gone", retry_last_ts: NOW - 1n, retry_interval: 1n, failure_ts: NOW - 30n * DAY, rooms: 1 },
    { destination: "b.gone", retry_last_ts: NOW - 1n, retry_interval: 1n, failure_ts: NOW - 8n * DAY },
    { destination: "c.young", retry_last_ts: NOW - 1n, retry_interval: 1n, failure_ts: NOW - DAY },
    { destination: "zz.dead", retry_last_ts: NOW - 1n, retry_interval: 1n, failure_ts: NOW - 9n * DAY },
  ]);
  const f = { search: "gone", status: null };
  await assert.rejects(countBulkForget(db.pool, operator, f, standalone), isCode("forbidden"));
  assert.equal(await countBulkForget(db.pool, admin, f, standalone), 2);
  assert.equal(await countBulkForget(db.pool, admin, { search: "", status: "failing" }, standalone), 3);
  await assert.rejects(bulkForgetDead(db.pool, admin, f, 3, standalone), isCode("conflict"));
  assert.equal((await db.pool.query("SELECT count(*)::int AS n FROM destinations")).rows[0].n, 4);
  assert.equal(await bulkForgetDead(db.pool, admin, f, 2, standalone), 2);
  const names = (await db.pool.query("SELECT destination FROM destinations ORDER BY 1")).rows.map((r) => r.destination);
  assert.deepEqual(names, ["c.young", "zz.dead"]);
  const audit = (await db.pool.query("SELECT action, destination, detail FROM audit_events ORDER BY id")).rows;
  assert.deepEqual(
    audit.map((a) => [a.action, a.destination, a.detail.bulk ?? a.detail.count]),
    [
      ["destination.forget", "a.gone", true],
      ["destination.forget", "b.gone", true],
      ["destination.bulk_forget", null, 2],
    ],
  );
  await assert.rejects(
    bulkForgetDead(db.pool, admin, f, 0, { ...standalone, mirror: mirror() }),
    isCode("bad_request"),
  );
});
