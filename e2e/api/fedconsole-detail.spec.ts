// GET /_fedconsole/v1/destinations/<name> and …/<name>/attempts (README "One destination and its
// attempts"): every value is compared with what the database holds (as ::text, so 64-bit values
// compare digit for digit), the Synapse fields with Synapse's details endpoint, the shared fields
// with the export.
import { test, expect, seedConsole, addAttempt, db, FED, type ConsoleSeed } from "../support/fixtures";
import { ERR, enc, exactJson, expectApiHeaders, expectError, raw } from "./helpers";

const API = "/_fedconsole/v1/destinations";
const NOW = Date.now();
const HOUR = 3_600_000;

/** The detail the contract specifies, from the stored row: Synapse's details, then our fields. */
async function expectedDetail(name: string) {
  const r = await db().query(
    `SELECT destination, retry_last_ts::text AS retry_last_ts, retry_interval::text AS retry_interval,
       failure_ts::text AS failure_ts, last_successful_stream_ordering::text AS lsso,
       next_retry_ts::text AS next_retry_ts, last_attempt_ts::text AS last_attempt_ts, last_outcome,
       last_error_kind, last_error_message, last_success_ts::text AS last_success_ts, resolved_address,
       server_software, server_version, rooms_count::text AS rooms_count,
       (SELECT a.http_status::text FROM attempts a WHERE a.destination = d.destination ORDER BY a.id DESC LIMIT 1)
         AS last_http_status
     FROM destinations d WHERE destination = $1`,
    [name],
  );
  const s = r.rows[0];
  const backingOff = s.retry_last_ts !== "0";
  return {
    destination: s.destination,
    last_successful_stream_ordering: s.lsso,
    failure_ts: backingOff ? s.failure_ts : null,
    retry_last_ts: backingOff ? s.retry_last_ts : "0",
    retry_interval: backingOff ? s.retry_interval : "0",
    next_retry_ts: s.next_retry_ts,
    last_attempt_ts: s.last_attempt_ts,
    last_outcome: s.last_outcome,
    last_error_kind: s.last_error_kind,
    last_error: s.last_error_message,
    last_http_status: s.last_http_status,
    last_success_ts: s.last_success_ts,
    resolved_address: s.resolved_address,
    server_software: s.server_software,
    server_version: s.server_version,
    rooms_count: s.rooms_count,
  };
}

/** The stored attempts, newest first, in the API's names. */
async function storedAttempts(name: string) {
  const r = await db().query(
    `SELECT id::text AS id, started_ts::text AS started_ts, duration_ms::text AS duration_ms, trigger, outcome, stage,
       reason AS error_kind, message AS error, http_status::text AS http_status, resolved_address, server_software,
       server_version
     FROM attempts WHERE destination = $1 ORDER BY attempts.id DESC`, // not the text alias
    [name],
  );
  return r.rows;
}

const get = (path: string) => raw("GET", path, { role: "viewer" });

/** Every page from the newest, following next_before; the pages' sizes. */
async function allPages(name: string, limit: number, between?: () => Promise<unknown>) {
  const seen: any[] = [];
  const sizes: number[] = [];
  let before: string | null = null;
  do {
    const res = await get(`${API}/${enc(name)}/attempts?limit=${limit}${before === null ? "" : `&before=${before}`}`);
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    const page = exactJson(res.text);
    expect(Object.keys(page)).toEqual(["attempts", "next_before"]);
    seen.push(...page.attempts);
    sizes.push(page.attempts.length);
    before = page.next_before;
    if (before !== null) expect(before).toBe(page.attempts[page.attempts.length - 1].id);
    if (sizes.length === 1) await between?.();
  } while (before !== null && sizes.length < 1000);
  return { seen, sizes };
}

const ROWS: (ConsoleSeed & { status: string })[] = [
  {
    // backing off, every value above 2^53
    destination: "big.detail.test",
    retry_last_ts: 9007199254740993n,
    retry_interval: 9007199254740993n,
    failure_ts: 9007199254740991n,
    last_successful_stream_ordering: 9223372036854775807n,
    last_attempt_ts: 9007199254740993n,
    last_outcome: "failure",
    last_error_kind: "HTTP_5XX",
    last_error_message: "HTTP 503 from the remote server",
    last_success_ts: 9007199254740001n,
    resolved_address: "[2001:db8::7]:8448",
    server_software: "Synapse",
    server_version: "1.99.0",
    rooms: [
      { room_id: "!a:detail.test", stream_ordering: 9007199254740993n },
      { room_id: "!b:detail.test", stream_ordering: 1 },
    ],
    status: "backing_off",
  },
  {
    // healthy; the stored failure_ts and retry_interval are hidden as Synapse's details hide them
    destination: "ok.detail.test",
    failure_ts: 5,
    retry_interval: 600_000,
    last_successful_stream_ordering: 42,
    last_attempt_ts: NOW - HOUR,
    last_outcome: "success",
    last_success_ts: NOW - HOUR,
    resolved_address: "10.9.8.7:8448",
    server_software: "conduwuit",
    server_version: "0.5.0",
    status: "healthy",
  },
  { destination: "new.detail.test", status: "never_contacted" },
  {
    destination: "blocked.detail.test",
    retry_last_ts: NOW - HOUR,
    retry_interval: 600_000,
    failure_ts: NOW - 2 * HOUR,
    last_attempt_ts: NOW - HOUR,
    last_outcome: "failure",
    last_error_kind: "IP_BLOCKED",
    last_error_message: "10.0.0.1 is in a blocked range",
    status: "blocked",
  },
];

async function seedRows() {
  await seedConsole(ROWS);
  // The newest attempt carries the HTTP status the detail reports (503, not the older 200).
  await addAttempt({
    destination: "big.detail.test",
    started_ts: 9007199254740000n,
    outcome: "success",
    stage: "done",
    http_status: 200,
  });
  await addAttempt({
    destination: "big.detail.test",
    started_ts: 9007199254740993n,
    outcome: "failure",
    stage: "http",
    reason: "HTTP_5XX",
    message: "HTTP 503 from the remote server",
    http_status: 503,
  });
  await addAttempt({
    destination: "ok.detail.test",
    started_ts: NOW - HOUR,
    outcome: "success",
    stage: "done",
    http_status: 200,
  });
}

test.describe("GET /_fedconsole/v1/destinations/<name>", () => {
  test("every field is the stored value (exact above 2^53), with the console's status", async () => {
    await seedRows();
    for (const row of ROWS) {
      const res = await get(`${API}/${enc(row.destination)}`);
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      expectApiHeaders(res);
      const body = exactJson(res.text);
      const expected = await expectedDetail(row.destination);
      const { status, ...rest } = body;
      expect(status, row.destination).toBe(row.status);
      expect(rest, row.destination).toEqual(expected);
      // Synapse's fields first, in the order its details endpoint writes them, then ours.
      expect(Object.keys(body), row.destination).toEqual([
        "destination",
        "last_successful_stream_ordering",
        "failure_ts",
        "retry_last_ts",
        "retry_interval",
        "status",
        "next_retry_ts",
        "last_attempt_ts",
        "last_outcome",
        "last_error_kind",
        "last_error",
        "last_http_status",
        "last_success_ts",
        "resolved_address",
        "server_software",
        "server_version",
        "rooms_count",
      ]);
    }
    // The raw text, not only the parsed digits: integers as JSON numbers, never strings.
    const big = await get(`${API}/big.detail.test`);
    expect(big.text).toContain('"last_successful_stream_ordering":9223372036854775807,');
    expect(big.text).toContain('"next_retry_ts":18014398509481986,');
    expect(big.text).toContain('"last_http_status":503,');
    expect(big.text).toContain('"rooms_count":2}');
    const fresh = exactJson((await get(`${API}/new.detail.test`)).text);
    expect(fresh.last_attempt_ts).toBeNull();
    expect(fresh.last_http_status).toBeNull();
    expect(fresh.next_retry_ts).toBeNull();
    expect(fresh.rooms_count).toBe("0");
  });

  test("the Synapse fields equal Synapse's details endpoint; the shared fields equal the export's", async () => {
    await seedRows();
    const exported = await get("/_fedconsole/v1/export/destinations?format=jsonl&destination=detail.test");
    expect(exported.status).toBe(200);
    const lines = new Map<string, any>(
      exported.text
        .split("\n")
        .filter(Boolean)
        .map((l) => exactJson(l))
        .map((o) => [o.destination, o]),
    );
    for (const row of ROWS) {
      const ours = exactJson((await get(`${API}/${enc(row.destination)}`)).text);
      const synapse = exactJson((await get(`${FED}/${enc(row.destination)}`)).text);
      expect(Object.entries(ours).slice(0, 5), row.destination).toEqual(Object.entries(synapse));
      const line = lines.get(row.destination);
      for (const field of ["status", "last_error_kind", "last_error", "rooms_count"])
        expect(ours[field], `${row.destination} ${field}`).toEqual(line[field]);
    }
  });

  test("unknown → 404 M_NOT_FOUND (names match byte for byte); no token → 401; DELETE is still the admin's", async () => {
    await seedRows();
    for (const name of ["nowhere.detail.test", "BIG.detail.test", "big.detail.test.", "big.detail"]) {
      expectError(await get(`${API}/${enc(name)}`), 404, ERR.notFound);
      expectError(await get(`${API}/${enc(name)}/attempts`), 404, ERR.notFound);
    }
    for (const path of [`${API}/big.detail.test`, `${API}/big.detail.test/attempts`]) {
      const none = await raw("GET", path, { role: null });
      expectError(none, 401, ERR.missingToken);
      expectApiHeaders(none);
      expectError(await raw("GET", path, { headers: { Authorization: "Bearer not-a-token" } }), 401, ERR.unknownToken);
    }
    const del = await raw("DELETE", `${API}/new.detail.test`, { role: "viewer" });
    expect(del.status).toBe(403);
    expect(del.json().errcode).toBe("M_FORBIDDEN");
    expect((await get(`${API}/new.detail.test`)).status).toBe(200);
  });
});

test.describe("GET /_fedconsole/v1/destinations/<name>/attempts", () => {
  test("newest first, each field as stored; next_before pages through every attempt exactly once", async () => {
    await seedConsole([{ destination: "paged.detail.test" }, { destination: "other.detail.test" }]);
    const triggers = ["schedule", "reset", "manual", "schedule", "schedule"];
    for (const [i, trigger] of triggers.entries()) {
      await addAttempt({
        destination: "paged.detail.test",
        started_ts: i === 4 ? 9007199254740993n : NOW - (5 - i) * HOUR,
        duration_ms: 100 + i,
        trigger,
        outcome: i % 2 ? "failure" : "success",
        stage: i % 2 ? "tls" : "done",
        reason: i % 2 ? "CERT_EXPIRED" : null,
        message: i % 2 ? "certificate has expired" : null,
        http_status: i % 2 ? null : 200,
        resolved_address: `10.0.0.${i}:8448`,
        server_software: i % 2 ? null : "Synapse",
        server_version: i % 2 ? null : `1.${i}`,
      });
    }
    await addAttempt({ destination: "other.detail.test", started_ts: NOW, outcome: "success", stage: "done" });
    const stored = await storedAttempts("paged.detail.test");
    expect(stored).toHaveLength(5);

    const whole = await get(`${API}/paged.detail.test/attempts`);
    expect(whole.status).toBe(200);
    expectApiHeaders(whole);
    expect(exactJson(whole.text)).toEqual({ attempts: stored, next_before: null });
    expect(whole.text).toContain('"started_ts":9007199254740993,');

    // A new attempt recorded while a client pages is newer than every cursor: no page repeats
    // or skips one.
    const { seen, sizes } = await allPages("paged.detail.test", 2, () =>
      addAttempt({ destination: "paged.detail.test", started_ts: NOW, outcome: "success", stage: "done" }),
    );
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(stored);
    expect(new Set(seen.map((a) => a.id)).size).toBe(5);
    expect((await storedAttempts("paged.detail.test")).length).toBe(6);

    // A page that exactly ends the history says so (no empty page after it).
    const exact = exactJson((await get(`${API}/paged.detail.test/attempts?limit=6`)).text);
    expect(exact.attempts).toHaveLength(6);
    expect(exact.next_before).toBeNull();
    // Older than the oldest, and a known destination without attempts: empty, not 404.
    const oldest = stored[stored.length - 1].id;
    expect(exactJson((await get(`${API}/paged.detail.test/attempts?before=${oldest}`)).text)).toEqual({
      attempts: [],
      next_before: null,
    });
    await seedConsole([{ destination: "quiet.detail.test" }]);
    expect(exactJson((await get(`${API}/quiet.detail.test/attempts`)).text)).toEqual({
      attempts: [],
      next_before: null,
    });
  });

  test("limit: default 50 as the console shows, at most 200; every attempt of a long history once", async () => {
    await seedConsole([{ destination: "long.detail.test" }]);
    await db().query(
      `INSERT INTO attempts (destination, started_ts, duration_ms, trigger, outcome, stage)
       SELECT 'long.detail.test', $1::bigint + i, 10, 'schedule', 'success', 'done' FROM generate_series(1, 201) AS i`,
      [NOW],
    );
    const stored = await storedAttempts("long.detail.test");
    const first = exactJson((await get(`${API}/long.detail.test/attempts`)).text);
    expect(first.attempts).toEqual(stored.slice(0, 50));
    expect(first.next_before).toBe(stored[49].id);
    const clamped = exactJson((await get(`${API}/long.detail.test/attempts?limit=500`)).text);
    expect(clamped.attempts).toEqual(stored.slice(0, 200));
    expect(clamped.next_before).toBe(stored[199].id);
    const { seen, sizes } = await allPages("long.detail.test", 200);
    expect(sizes).toEqual([200, 1]);
    expect(seen).toEqual(stored);
  });

  test("a bad limit or before → 400 M_INVALID_PARAM, never a 500", async () => {
    await seedConsole([{ destination: "params.detail.test" }]);
    for (const bad of ["0", "-1", "2.5", "1e2", "ten", ""]) {
      expectError(await get(`${API}/params.detail.test/attempts?limit=${enc(bad)}`), 400, {
        errcode: "M_INVALID_PARAM",
        error: "Query parameter limit must be a whole number from 1 to 200.",
      });
    }
    for (const bad of ["-1", "1.5", "abc", "", "0x10", "1 2"]) {
      expectError(await get(`${API}/params.detail.test/attempts?before=${enc(bad)}`), 400, {
        errcode: "M_INVALID_PARAM",
        error: "Query parameter before must be a whole number.",
      });
    }
    // Beyond 64 bits only means "from the newest".
    const huge = await get(`${API}/params.detail.test/attempts?before=99999999999999999999999`);
    expect(huge.status).toBe(200);
    expect(huge.json()).toEqual({ attempts: [], next_before: null });
  });
});
