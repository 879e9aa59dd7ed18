// CORS, routing under /_synapse, and bad input that must never yield a 5xx or an HTML page.
import { test, expect, seed, call, FED, type SeedDestination } from "../support/fixtures";
import {
  ERR,
  SYNAPSE_HEADERS,
  cmpBytes,
  detailsOf,
  enc,
  expectClientErrorJson,
  expectError,
  expectJson,
  expectRawInt,
  notClientErrorJson,
  expectApiHeaders,
  expectSynapseHeaders,
  expectedOrder,
  listItem,
  raw,
  synapseDestinations,
} from "./helpers";

test.describe("CORS and headers", () => {
  test("success responses carry Synapse's admin headers (list, details, rooms, reset)", async ({ request }) => {
    await seed([
      {
        destination: "cors.example",
        retry_last_ts: 1,
        retry_interval: 1,
        rooms: [{ room_id: "!a:b", stream_ordering: 1 }],
      },
    ]);
    for (const [m, p] of [
      ["GET", FED],
      ["GET", `${FED}/cors.example`],
      ["GET", `${FED}/cors.example/rooms`],
      ["POST", `${FED}/cors.example/reset_connection`],
    ] as const) {
      const res = await call(request, m, p, "admin", m === "POST" ? "{}" : undefined);
      expect(res.status, `${m} ${p}`).toBe(200);
      expectSynapseHeaders(res);
    }
  });

  test("error responses carry them too (400, 401, 403, 404, 405, unknown path)", async ({ request }) => {
    await seed([{ destination: "fine.example" }]);
    const cases = [
      await call(request, "GET", `${FED}?limit=-1`),
      await call(request, "GET", FED, null),
      await call(request, "POST", `${FED}/fine.example/reset_connection`, "viewer", "{}"),
      await call(request, "POST", `${FED}/fine.example/reset_connection`, "admin", "{}"),
      await call(request, "GET", `${FED}/nowhere.example`),
      await raw("DELETE", FED, { role: "admin" }),
      await call(request, "GET", "/_synapse/admin/v1/no_such_thing"),
    ];
    expect(cases.map((c) => c.status)).toEqual([400, 401, 403, 400, 404, 405, 404]);
    for (const res of cases) expectSynapseHeaders(res);
  });

  test("OPTIONS preflight on admin paths → 204 with the CORS headers, no auth needed", async () => {
    await seed([]);
    const paths = [
      FED,
      `${FED}/x.example`,
      `${FED}/x.example/rooms`,
      `${FED}/x.example/reset_connection`,
      "/_synapse/admin/v1/users/@a:b",
    ];
    for (const p of paths) {
      const res = await raw("OPTIONS", p, {
        headers: {
          Origin: "https://admin.example.net",
          "Access-Control-Request-Method": p.endsWith("reset_connection") ? "POST" : "GET",
          "Access-Control-Request-Headers": "authorization, content-type",
        },
      });
      expect(res.status, p).toBe(204);
      for (const [k, v] of Object.entries(SYNAPSE_HEADERS)) expect.soft(res.headers[k], `${p} ${k}`).toBe(v);
      expect(res.text).toBe("");
    }
  });

  test("responses are not cached and not served as HTML for browser-like Accept headers", async () => {
    await seed(synapseDestinations(1));
    const res = await raw("GET", FED, {
      role: "admin",
      headers: { Accept: "text/html,application/xhtml+xml", Origin: "https://admin.example.net" },
    });
    expect(res.status).toBe(200);
    expectApiHeaders(res);
    expect(res.json().total).toBe(1);
    const err = await raw("GET", `${FED}/nowhere`, { role: "admin", headers: { Accept: "text/html" } });
    expectError(err, 404, ERR.notFound);
  });
});

test.describe("routing under /_synapse", () => {
  test("unknown paths → 404 M_UNRECOGNIZED JSON, with or without a token", async () => {
    await seed([{ destination: "x.example" }]);
    const paths = [
      "/_synapse/admin/v1/nope",
      "/_synapse/admin/v2/federation/destinations",
      "/_synapse/admin/v1/federation",
      "/_synapse/admin/v1/federation/destinations/x.example/rooms/extra",
      "/_synapse/admin/v1/federation/destinations/x.example/unknown_action",
      "/_synapse/admin/v1/federation/destinations/x.example/reset_connection/more",
      "/_synapse/nothing",
      "/_synapse/admin",
    ];
    for (const p of paths) {
      for (const role of ["admin", null] as const) {
        const res = await raw("GET", p, { role });
        expectError(res, 404, ERR.unrecognized);
        expectApiHeaders(res);
      }
    }
  });

  test("wrong method on a known path → 405 M_UNRECOGNIZED JSON", async () => {
    await seed([{ destination: "x.example", retry_last_ts: 5, retry_interval: 5 }]);
    const cases: [string, string][] = [
      ["DELETE", FED],
      ["POST", FED],
      ["PUT", FED],
      ["PUT", `${FED}/x.example`],
      ["DELETE", `${FED}/x.example`],
      ["POST", `${FED}/x.example`],
      ["PATCH", `${FED}/x.example`],
      ["POST", `${FED}/x.example/rooms`],
      ["GET", `${FED}/x.example/reset_connection`],
      ["PUT", `${FED}/x.example/reset_connection`],
      ["DELETE", `${FED}/x.example/reset_connection`],
    ];
    for (const [m, p] of cases) {
      const res = await raw(m, p, { role: "admin", body: ["POST", "PUT", "PATCH"].includes(m) ? "{}" : undefined });
      expect(res.status, `${m} ${p}`).toBe(405);
      expect(expectJson(res), `${m} ${p}`).toEqual(ERR.unrecognized);
    }
    // nothing was reset by the wrong-method calls
    expect((await raw("GET", `${FED}/x.example`, { role: "admin" })).json().retry_last_ts).toBe(5);
  });

  test("a trailing slash never yields HTML or a redirect", async () => {
    await seed([{ destination: "x.example" }]);
    for (const p of [`${FED}/`, `${FED}/x.example/`, `${FED}/x.example/rooms/`]) {
      const res = await raw("GET", p, { role: "admin" });
      expect(res.status, p).toBe(404);
      const body = expectClientErrorJson(res);
      expect(["M_NOT_FOUND", "M_UNRECOGNIZED"]).toContain(body.errcode);
    }
  });

  test('an empty destination segment is Synapse\'s details of "": auth first, then 404 Unknown destination', async () => {
    for (const [method, p] of [
      ["GET", `${FED}/`],
      ["GET", `${FED}//rooms`],
      ["POST", `${FED}//reset_connection`],
    ] as const) {
      expectError(await raw(method, p), 401, ERR.missingToken);
      expectError(await raw(method, p, { role: "admin" }), 404, ERR.notFound);
    }
  });
});

test.describe("bad input never yields 5xx or HTML", () => {
  test("a 5000-character destination name → 404 M_NOT_FOUND on details, rooms and reset; empty search", async () => {
    await seed(synapseDestinations(2));
    const long = "a".repeat(5000) + ".example";
    expectError(await raw("GET", `${FED}/${long}`, { role: "admin" }), 404, ERR.notFound);
    expectError(await raw("GET", `${FED}/${long}/rooms`, { role: "admin" }), 404, ERR.notFound);
    expectError(await raw("POST", `${FED}/${long}/reset_connection`, { role: "admin" }), 404, ERR.notFound);
    const s = await raw("GET", `${FED}?destination=${long}`, { role: "admin" });
    expect(s.status).toBe(200);
    expect(s.json()).toEqual({ destinations: [], total: 0 });
  });

  test("a 1000-character destination round-trips through list, details, rooms and reset", async () => {
    const name = "x".repeat(1000) + ".example";
    const row: SeedDestination = {
      destination: name,
      retry_last_ts: 10,
      retry_interval: 20,
      failure_ts: 5,
      rooms: [{ room_id: "!r:example.org", stream_ordering: 7 }],
    };
    await seed([row]);
    expect((await raw("GET", `${FED}/${name}`, { role: "admin" })).json()).toEqual(detailsOf(row));
    expect((await raw("GET", `${FED}/${name}/rooms`, { role: "admin" })).json()).toEqual({
      rooms: [{ room_id: "!r:example.org", stream_ordering: 7 }],
      total: 1,
    });
    expect((await raw("GET", FED, { role: "admin" })).json().destinations).toEqual([listItem(row)]);
    expect((await raw("POST", `${FED}/${name}/reset_connection`, { role: "admin" })).json()).toEqual({});
  });

  test("unicode names round-trip (percent-encoded UTF-8) and sort byte-wise", async () => {
    const rows: SeedDestination[] = ["münchen.example", "例え.jp", "🙂.example", "zürich.example", "a.example"].map(
      (destination, i) => ({
        destination,
        retry_last_ts: 100 + i,
        retry_interval: 10,
        failure_ts: 1,
        rooms: [{ room_id: `!room${i}:example.org`, stream_ordering: i }],
      }),
    );
    await seed(rows);
    for (const [i, row] of rows.entries()) {
      const d = await raw("GET", `${FED}/${enc(row.destination)}`, { role: "admin" });
      expect(d.status, row.destination).toBe(200);
      expect(d.json()).toEqual(detailsOf(row));
      const r = await raw("GET", `${FED}/${enc(row.destination)}/rooms`, { role: "admin" });
      expect(r.json()).toEqual({ rooms: [{ room_id: `!room${i}:example.org`, stream_ordering: i }], total: 1 });
    }
    const list = (await raw("GET", FED, { role: "admin" })).json();
    expect(list.destinations.map((d: { destination: string }) => d.destination)).toEqual(expectedOrder(rows));
    for (const term of ["münchen", "例え", "🙂", "ü"]) {
      const s = (await raw("GET", `${FED}?destination=${enc(term)}`, { role: "admin" })).json();
      const expected = rows
        .filter((r) => r.destination.includes(term))
        .map((r) => r.destination)
        .sort(cmpBytes);
      expect(
        s.destinations.map((d: { destination: string }) => d.destination),
        term,
      ).toEqual(expected);
      expect(s.total, term).toBe(expected.length);
    }
    // Written as Synapse's encoder writes them: ASCII only, \uXXXX for the rest.
    const raw0 = await raw("GET", `${FED}/${enc("🙂.example")}`, { role: "admin" });
    expect(raw0.text).toContain('"destination":"\\ud83d\\ude42.example"');
    expect(raw0.text).toMatch(/^[\x20-\x7e]*$/);
    expectError(await raw("GET", `${FED}/${enc("münchen.exampl")}`, { role: "admin" }), 404, ERR.notFound);
    expect((await raw("POST", `${FED}/${enc("例え.jp")}/reset_connection`, { role: "admin" })).json()).toEqual({});
  });

  test("percent-encoded names: a%2Fb and 50%25 decode to the stored names", async () => {
    const rows: SeedDestination[] = [
      {
        destination: "a/b",
        retry_last_ts: 3,
        retry_interval: 4,
        failure_ts: 2,
        rooms: [{ room_id: "!ab:example.org", stream_ordering: 11 }],
      },
      { destination: "50%.example", retry_last_ts: 5, retry_interval: 6, failure_ts: 1 },
      { destination: "a b.example", retry_last_ts: 7, retry_interval: 8, failure_ts: 1 },
    ];
    await seed(rows);
    expect((await raw("GET", `${FED}/a%2Fb`, { role: "admin" })).json()).toEqual(detailsOf(rows[0]));
    expect((await raw("GET", `${FED}/a%2fb`, { role: "admin" })).json()).toEqual(detailsOf(rows[0]));
    expect((await raw("GET", `${FED}/a%2Fb/rooms`, { role: "admin" })).json()).toEqual({
      rooms: [{ room_id: "!ab:example.org", stream_ordering: 11 }],
      total: 1,
    });
    expect((await raw("GET", `${FED}/50%25.example`, { role: "admin" })).json()).toEqual(detailsOf(rows[1]));
    expect((await raw("GET", `${FED}/a%20b.example`, { role: "admin" })).json()).toEqual(detailsOf(rows[2]));
    expectError(await raw("GET", `${FED}/c%2Fd`, { role: "admin" }), 404, ERR.notFound);
    expect((await raw("POST", `${FED}/a%2Fb/reset_connection`, { role: "admin" })).json()).toEqual({});
  });

  test("malformed percent-encoding (%ZZ, %, invalid UTF-8) → a JSON 4xx, never 5xx or HTML", async () => {
    await seed([{ destination: "x%zz.example" }, { destination: "plain.example" }]);
    const bad: Record<string, string> = {};
    const probes: [string, string][] = [
      ["GET", `${FED}/%ZZ`],
      ["GET", `${FED}/%ZZ/rooms`],
      ["POST", `${FED}/%ZZ/reset_connection`],
      ["GET", `${FED}/%`],
      ["GET", `${FED}/%E0%A4%A`],
      ["GET", `${FED}/%ED%A0%80`],
      ["GET", `${FED}/%FF/rooms`],
      ["GET", "/_synapse/admin/v1/%ZZ"],
    ];
    for (const [m, p] of probes) {
      const why = notClientErrorJson(await raw(m, p, { role: "admin" }));
      if (why) bad[`${m} ${p}`] = why;
    }
    expect(bad, "responses that are not a JSON 4xx Matrix error").toEqual({});
  });

  test("malformed percent-encoding in the query string is taken literally", async () => {
    await seed([{ destination: "x%zz.example" }, { destination: "plain.example" }]);
    // as Python's parse_qs and URLSearchParams do
    const s = await raw("GET", `${FED}?destination=%ZZ`, { role: "admin" });
    expect(s.status).toBe(200);
    expect(s.json().destinations.map((d: { destination: string }) => d.destination)).toEqual(["x%zz.example"]);
    expectError(await raw("GET", `${FED}?limit=%ZZ`, { role: "admin" }), 400, ERR.notInteger("limit"));
  });

  test("NUL bytes in names and search → JSON, never 5xx", async () => {
    await seed(synapseDestinations(2));
    const bad: Record<string, string> = {};
    const s = await raw("GET", `${FED}?destination=%00`, { role: "admin" });
    if (s.status === 200) expect(s.json()).toEqual({ destinations: [], total: 0 });
    else if (notClientErrorJson(s)) bad["GET ?destination=%00"] = notClientErrorJson(s)!;
    for (const [m, p] of [
      ["GET", `${FED}/a%00b`],
      ["GET", `${FED}/a%00b/rooms`],
      ["POST", `${FED}/a%00b/reset_connection`],
      ["GET", `${FED}/sub0.example.com/rooms?limit=1%00`],
    ]) {
      const why = notClientErrorJson(await raw(m, p, { role: "admin" }));
      if (why) bad[`${m} ${p}`] = why;
    }
    expect(bad, "responses that are not a JSON 4xx Matrix error").toEqual({});
  });

  test("IPv6-literal names like [2001:db8::1]:8448 round-trip through details, rooms, search and reset", async () => {
    const row: SeedDestination = {
      destination: "[2001:db8::1]:8448",
      retry_last_ts: 1759927471863,
      retry_interval: 600000,
      failure_ts: 1759466518121,
      last_successful_stream_ordering: 77,
      rooms: [
        { room_id: "!v6b:example.org", stream_ordering: 2 },
        { room_id: "!v6a:example.org", stream_ordering: 1 },
      ],
    };
    await seed([row, { destination: "[::1]", retry_last_ts: 1, retry_interval: 1 }, { destination: "2001.example" }]);
    const encoded = enc(row.destination);
    for (const p of [`${FED}/${encoded}`, `${FED}/${row.destination}`]) {
      const d = await raw("GET", p, { role: "admin" });
      expect(d.status, p).toBe(200);
      expect(d.json()).toEqual(detailsOf(row));
    }
    for (const p of [`${FED}/${encoded}/rooms`, `${FED}/${row.destination}/rooms`]) {
      const r = await raw("GET", p, { role: "admin" });
      expect(r.status, p).toBe(200);
      expect(r.json()).toEqual({
        rooms: [
          { room_id: "!v6a:example.org", stream_ordering: 1 },
          { room_id: "!v6b:example.org", stream_ordering: 2 },
        ],
        total: 2,
      });
    }
    const s = (await raw("GET", `${FED}?destination=${enc("2001:DB8")}`, { role: "admin" })).json();
    expect(s).toEqual({ destinations: [listItem(row)], total: 1 });
    expectError(await raw("GET", `${FED}/${enc("[2001:db8::2]:8448")}`, { role: "admin" }), 404, ERR.notFound);
    expect((await raw("POST", `${FED}/${encoded}/reset_connection`, { role: "admin" })).json()).toEqual({});
    expect((await raw("GET", `${FED}/${encoded}`, { role: "admin" })).json()).toEqual({
      ...detailsOf(row),
      failure_ts: null,
      retry_last_ts: 0,
      retry_interval: 0,
    });
  });

  test("huge from / limit (beyond 64 bits) never yield 5xx", async () => {
    const rows = synapseDestinations(3);
    await seed([
      ...rows.slice(0, 1).map((r) => ({
        ...r,
        rooms: [
          { room_id: "!a:x", stream_ordering: 1 },
          { room_id: "!b:x", stream_ordering: 2 },
        ],
      })),
      ...rows.slice(1),
    ]);
    const HUGE = "99999999999999999999999";
    const check = async (path: string, onOk: (body: any) => void) => {
      const res = await raw("GET", path, { role: "admin" });
      expect(res.status, `${path}: ${res.text}`).toBeLessThan(500);
      const body = expectJson(res);
      if (res.status === 200) onOk(body);
      else expectError(res, 400, { errcode: "M_INVALID_PARAM", error: body.error });
    };
    await check(`${FED}?from=${HUGE}`, (b) => expect(b).toEqual({ destinations: [], total: 3 }));
    await check(`${FED}?limit=${HUGE}`, (b) =>
      expect(b).toEqual({
        destinations: expectedOrder(rows).map((n) => listItem(rows.find((r) => r.destination === n)!)),
        total: 3,
      }),
    );
    await check(`${FED}?from=${HUGE}&limit=${HUGE}`, (b) => expect(b).toEqual({ destinations: [], total: 3 }));
    await check(`${FED}/sub0.example.com/rooms?from=${HUGE}`, (b) => expect(b).toEqual({ rooms: [], total: 2 }));
    await check(`${FED}/sub0.example.com/rooms?limit=${HUGE}`, (b) =>
      expect(b).toEqual({
        rooms: [
          { room_id: "!a:x", stream_ordering: 1 },
          { room_id: "!b:x", stream_ordering: 2 },
        ],
        total: 2,
      }),
    );
  });

  test("from and limit at the 64-bit edge: from + limit must not overflow", async () => {
    const rows = synapseDestinations(3);
    await seed(rows);
    const MAX = "9223372036854775807";
    for (const q of [
      `from=1&limit=${MAX}`,
      `from=${MAX}&limit=${MAX}`,
      `from=${MAX}`,
      `limit=${MAX}`,
      `from=${MAX}&limit=0`,
    ]) {
      const res = await raw("GET", `${FED}?${q}`, { role: "admin" });
      expect(res.status, `${q}: ${res.text}`).toBe(200);
      const body = res.json();
      expect(body.total, q).toBe(3);
      expect(body, q).not.toHaveProperty("next_token"); // from + limit ≥ total in every case
    }
    const page = (await raw("GET", `${FED}?from=1&limit=${MAX}`, { role: "admin" })).json();
    expect(page.destinations.map((d: { destination: string }) => d.destination)).toEqual(expectedOrder(rows).slice(1));
  });

  test("repeated parameters: the first value wins", async () => {
    const rows: SeedDestination[] = [
      "sub0.example.com",
      "sub1.example.com",
      "sub2.example.com",
      "sub3.example.com",
    ].map((destination, i) => ({
      destination,
      retry_last_ts: 10 * (4 - i),
      retry_interval: 5 * ((i * 3) % 4),
      failure_ts: i,
    }));
    await seed(rows);
    const names = (b: any) => b.destinations.map((d: { destination: string }) => d.destination);
    const get = async (q: string) => {
      const res = await raw("GET", `${FED}?${q}`, { role: "admin" });
      expect(res.status, `${q}: ${res.text}`).toBe(200);
      return res.json();
    };
    expect(names(await get("limit=2&limit=5"))).toEqual(expectedOrder(rows).slice(0, 2));
    expect(names(await get("from=1&from=-1"))).toEqual(expectedOrder(rows).slice(1));
    expect(names(await get("dir=b&dir=f"))).toEqual(expectedOrder(rows, "destination", "b"));
    expect(names(await get("order_by=retry_interval&order_by=bar"))).toEqual(expectedOrder(rows, "retry_interval"));
    expect(names(await get("destination=sub1&destination=sub2"))).toEqual(["sub1.example.com"]);
    expectError(await raw("GET", `${FED}?limit=-1&limit=2`, { role: "admin" }), 400, ERR.negative("limit"));
    expectError(await raw("GET", `${FED}?order_by=bar&order_by=destination`, { role: "admin" }), 400, ERR.orderBy);
  });

  test("integers above 2^53 are exact in the list (raw text)", async () => {
    await seed([
      {
        destination: "big1.example",
        retry_last_ts: 9223372036854775807n,
        retry_interval: 9007199254740993n,
        failure_ts: 9007199254740993n,
        last_successful_stream_ordering: 9223372036854775807n,
      },
      {
        destination: "big2.example",
        retry_last_ts: 9007199254740993n,
        retry_interval: 9007199254740992n,
        failure_ts: null,
        last_successful_stream_ordering: 9007199254740995n,
      },
    ]);
    const res = await raw("GET", `${FED}?order_by=retry_last_ts`, { role: "admin" });
    expect(res.status).toBe(200);
    const items: string[] = [...(res.text.match(/\{[^{}]*"destination"[^{}]*\}/g) ?? [])];
    expect(items).toHaveLength(2);
    // ascending by retry_last_ts: big2 (2^53 + 1) before big1 (2^63 - 1)
    expect(items[0]).toContain('"big2.example"');
    expectRawInt(items[0], "retry_last_ts", 9007199254740993n);
    expectRawInt(items[0], "retry_interval", 9007199254740992n);
    expect(items[0]).toMatch(/"failure_ts"\s*:\s*null/);
    expectRawInt(items[0], "last_successful_stream_ordering", 9007199254740995n);
    expect(items[1]).toContain('"big1.example"');
    expectRawInt(items[1], "retry_last_ts", 9223372036854775807n);
    expectRawInt(items[1], "retry_interval", 9007199254740993n);
    expectRawInt(items[1], "failure_ts", 9007199254740993n);
    expectRawInt(items[1], "last_successful_stream_ordering", 9223372036854775807n);
  });

  test("counts of our own API that are not whole numbers → 400 M_INVALID_PARAM, never 500", async () => {
    for (const bad of ["1.5", "0", "-3", "1e2", "x", ""]) {
      const res = await raw("GET", `/_fedconsole/v1/upstream?passes=${bad}`, { role: "viewer" });
      expect([res.status, res.json().errcode], `passes=${bad}: ${res.text}`).toEqual([400, "M_INVALID_PARAM"]);
    }
    for (const ok of ["1", "200", "99999999999999999999"]) {
      const res = await raw("GET", `/_fedconsole/v1/upstream?passes=${ok}`, { role: "viewer" });
      expect(res.status, `passes=${ok}: ${res.text}`).toBe(200);
    }
  });

  test("odd but harmless query strings are fine", async () => {
    const rows = synapseDestinations(3);
    await seed(rows);
    for (const q of ["", "?", "?&&", "?foo=bar", "?destination", "?limit=2&unknown=%ZZ"]) {
      const res = await raw("GET", `${FED}${q}`, { role: "admin" });
      expect(res.status, `${q}: ${res.text}`).toBe(200);
      expect(res.json().total, q).toBe(3);
    }
  });
});
