// GET /_synapse/admin/v1/federation/destinations — Synapse's FederationTestCase list cases,
// plus the contract's paging, ordering, search and parameter rules.
import { test, expect, seed, call, FED, type SeedDestination } from "../support/fixtures";
import {
  ERR,
  ORDER_COLUMNS,
  expectError,
  expectApiHeaders,
  expectedOrder,
  listItem,
  synapseDestinations,
  cmpBytes,
  expectJson,
} from "./helpers";

const names = (body: { destinations: { destination: string }[] }) => body.destinations.map((d) => d.destination);

test.describe("list destinations: paging", () => {
  test("lists all destinations with every field (Synapse test_list_all_destinations)", async ({ request }) => {
    const rows = synapseDestinations(5);
    await seed(rows);
    const res = await call(request, "GET", FED);
    expect(res.status).toBe(200);
    expectApiHeaders(res);
    const body = res.json();
    expect(body.total).toBe(5);
    expect(body).not.toHaveProperty("next_token");
    // exactly Synapse's five fields per item, values as seeded, in destination order
    const byName = new Map(rows.map((r) => [r.destination, r]));
    expect(body.destinations).toEqual(expectedOrder(rows).map((n) => listItem(byName.get(n)!)));
  });

  test('limit=5 of 20 → 5 items, next_token "5" (Synapse test_limit)', async ({ request }) => {
    const rows = synapseDestinations(20);
    await seed(rows);
    const body = (await call(request, "GET", `${FED}?limit=5`)).json();
    expect(body.total).toBe(20);
    expect(names(body)).toEqual(expectedOrder(rows).slice(0, 5));
    expect(body.next_token).toBe("5");
  });

  test("from=5 of 20 → 15 items, no next_token (Synapse test_from)", async ({ request }) => {
    const rows = synapseDestinations(20);
    await seed(rows);
    const body = (await call(request, "GET", `${FED}?from=5`)).json();
    expect(body.total).toBe(20);
    expect(names(body)).toEqual(expectedOrder(rows).slice(5));
    expect(body).not.toHaveProperty("next_token");
  });

  test('from=5&limit=10 of 20 → next_token "15" (Synapse test_limit_and_from)', async ({ request }) => {
    const rows = synapseDestinations(20);
    await seed(rows);
    const body = (await call(request, "GET", `${FED}?from=5&limit=10`)).json();
    expect(body.total).toBe(20);
    expect(names(body)).toEqual(expectedOrder(rows).slice(5, 15));
    expect(body.next_token).toBe("15");
  });

  test("next_token appears only when from + limit < total (Synapse test_next_token)", async ({ request }) => {
    const rows = synapseDestinations(20);
    await seed(rows);
    for (const limit of [20, 21]) {
      const body = (await call(request, "GET", `${FED}?limit=${limit}`)).json();
      expect(body.total).toBe(20);
      expect(body.destinations).toHaveLength(20);
      expect(body, `limit=${limit}`).not.toHaveProperty("next_token");
    }
    const b19 = (await call(request, "GET", `${FED}?limit=19`)).json();
    expect(b19.destinations).toHaveLength(19);
    expect(b19.next_token).toBe("19");
    const rest = (await call(request, "GET", `${FED}?from=19`)).json();
    expect(rest.total).toBe(20);
    expect(names(rest)).toEqual(expectedOrder(rows).slice(19));
    expect(rest).not.toHaveProperty("next_token");
  });

  test('limit=0 → empty page with next_token "0"', async ({ request }) => {
    await seed(synapseDestinations(12));
    const res = await call(request, "GET", `${FED}?limit=0`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ destinations: [], total: 12, next_token: "0" });
    const res2 = await call(request, "GET", `${FED}?from=4&limit=0`);
    expect(res2.json()).toEqual({ destinations: [], total: 12, next_token: "4" });
  });

  test("from at or beyond total → empty list and no next_token", async ({ request }) => {
    await seed(synapseDestinations(12));
    for (const q of ["from=100", "from=12", "from=12&limit=5", "from=100&limit=0"]) {
      const res = await call(request, "GET", `${FED}?${q}`);
      expect(res.status, q).toBe(200);
      expect(res.json(), q).toEqual({ destinations: [], total: 12 });
    }
  });

  test("empty table → no destinations, total 0, no next_token (also limit=0)", async ({ request }) => {
    await seed([]);
    for (const q of ["", "?limit=0", "?from=3"]) {
      const res = await call(request, "GET", `${FED}${q}`);
      expect(res.status).toBe(200);
      expect(res.json(), q).toEqual({ destinations: [], total: 0 });
    }
  });

  test("following next_token visits every destination once, in order", async ({ request }) => {
    const rows = synapseDestinations(20);
    await seed(rows);
    const seen: string[] = [];
    let from: string | undefined = "0";
    let pages = 0;
    while (from !== undefined) {
      const body = (await call(request, "GET", `${FED}?limit=3&from=${from}`)).json();
      expect(body.total).toBe(20);
      seen.push(...names(body));
      from = body.next_token;
      if (from !== undefined) expect(from).toBe(String(seen.length));
      expect(++pages).toBeLessThanOrEqual(7);
    }
    expect(seen).toEqual(expectedOrder(rows));
  });

  test("the reference example: from=2&limit=3&order_by=retry_interval&dir=b", async ({ request }) => {
    const rows: SeedDestination[] = Array.from({ length: 12 }, (_, i) => ({
      destination: `d${String(i).padStart(2, "0")}.example.org`,
      retry_last_ts: 1759800000000 + i,
      retry_interval: ((i * 7) % 12) * 1000,
      failure_ts: i % 3 === 0 ? null : 1759400000000 + i,
      last_successful_stream_ordering: i % 4 === 0 ? null : 1900000 + i,
    }));
    await seed(rows);
    const body = (await call(request, "GET", `${FED}?from=2&limit=3&order_by=retry_interval&dir=b`)).json();
    const byName = new Map(rows.map((r) => [r.destination, r]));
    expect(body).toEqual({
      destinations: expectedOrder(rows, "retry_interval", "b")
        .slice(2, 5)
        .map((n) => listItem(byName.get(n)!)),
      total: 12,
      next_token: "5",
    });
  });
});

test.describe("list destinations: ordering", () => {
  test("Synapse test_order_by: every order_by with default, f and b", async ({ request }) => {
    // (destination, failure_ts, retry_last_ts, retry_interval, last_successful_stream_ordering)
    const rows: SeedDestination[] = [
      {
        destination: "sub-a.example.com",
        failure_ts: 100,
        retry_last_ts: 300,
        retry_interval: 200,
        last_successful_stream_ordering: 300,
      },
      {
        destination: "sub-b.example.com",
        failure_ts: 200,
        retry_last_ts: 200,
        retry_interval: 100,
        last_successful_stream_ordering: 100,
      },
      {
        destination: "sub-c.example.com",
        failure_ts: 300,
        retry_last_ts: 100,
        retry_interval: 300,
        last_successful_stream_ordering: 200,
      },
    ];
    await seed(rows);
    for (const orderBy of [undefined, ...ORDER_COLUMNS]) {
      for (const dir of [undefined, "f", "b"] as const) {
        const qs = [orderBy && `order_by=${orderBy}`, dir && `dir=${dir}`].filter(Boolean).join("&");
        const res = await call(request, "GET", `${FED}?${qs}`);
        expect(res.status, qs).toBe(200);
        const body = res.json();
        expect(body.total).toBe(3);
        expect(names(body), qs).toEqual(expectedOrder(rows, orderBy ?? "destination", dir ?? "f"));
      }
    }
  });

  // Ties, NULLs, byte-wise names (upper case before lower case, UTF-8 after ASCII) and values
  // around 2^53 that a Number-based sort could not tell apart.
  const MIXED: SeedDestination[] = [
    {
      destination: "a.example",
      retry_last_ts: 100,
      retry_interval: 10,
      failure_ts: null,
      last_successful_stream_ordering: 5,
    },
    {
      destination: "B.example",
      retry_last_ts: 100,
      retry_interval: 0,
      failure_ts: 300,
      last_successful_stream_ordering: null,
    },
    {
      destination: "c.example",
      retry_last_ts: 0,
      retry_interval: 10,
      failure_ts: 300,
      last_successful_stream_ordering: 5,
    },
    {
      destination: "ü.example",
      retry_last_ts: 50,
      retry_interval: 20,
      failure_ts: null,
      last_successful_stream_ordering: 1,
    },
    {
      destination: "_under.example",
      retry_last_ts: 0,
      retry_interval: 0,
      failure_ts: 100,
      last_successful_stream_ordering: null,
    },
    {
      destination: "0.example",
      retry_last_ts: 100,
      retry_interval: 10,
      failure_ts: 100,
      last_successful_stream_ordering: 9007199254740993n,
    },
    {
      destination: "0-a.example",
      retry_last_ts: 9007199254740993n,
      retry_interval: 9007199254740992n,
      failure_ts: 9007199254740992n,
      last_successful_stream_ordering: 9007199254740992n,
    },
    {
      destination: "Z.example",
      retry_last_ts: 9007199254740992n,
      retry_interval: 9007199254740993n,
      failure_ts: 9007199254740993n,
      last_successful_stream_ordering: 5,
    },
    {
      destination: "z.example",
      retry_last_ts: 0,
      retry_interval: 0,
      failure_ts: null,
      last_successful_stream_ordering: null,
    },
    {
      destination: "[2001:db8::1]:8448",
      retry_last_ts: 50,
      retry_interval: 20,
      failure_ts: 100,
      last_successful_stream_ordering: 1,
    },
  ];

  for (const orderBy of ORDER_COLUMNS) {
    for (const dir of ["f", "b"] as const) {
      const title =
        orderBy === "destination"
          ? `order_by=destination&dir=${dir}: byte-wise ${dir === "f" ? "ASC" : "DESC"}`
          : `order_by=${orderBy}&dir=${dir}: ${orderBy} ${dir === "f" ? "ASC" : "DESC"}, destination ASC, NULLs ${dir === "f" ? "last" : "first"}`;
      test(title, async ({ request }) => {
        await seed(MIXED);
        const expected = expectedOrder(MIXED, orderBy, dir);
        const res = await call(request, "GET", `${FED}?order_by=${orderBy}&dir=${dir}`);
        expect(res.status).toBe(200);
        const body = res.json();
        expect(body.total).toBe(MIXED.length);
        expect(names(body)).toEqual(expected);
        // a page of the same ordering is the same slice
        const page = (await call(request, "GET", `${FED}?order_by=${orderBy}&dir=${dir}&from=3&limit=4`)).json();
        expect(names(page)).toEqual(expected.slice(3, 7));
        expect(page.next_token).toBe("7");
      });
    }
  }

  test("destination names sort byte-wise (C collation): upper case, digits, '[' and UTF-8", async ({ request }) => {
    await seed(MIXED);
    const body = (await call(request, "GET", FED)).json();
    const got = names(body);
    expect(got).toEqual([...got].sort(cmpBytes));
    expect(got).toEqual(expectedOrder(MIXED));
  });
});

test.describe("list destinations: destination search", () => {
  test("Synapse test_search_term: substring, case-insensitive, total counts matches", async ({ request }) => {
    await seed(synapseDestinations(3));
    const cases: [string, string | null][] = [
      ["0", "sub0.example.com"],
      ["sub0", "sub0.example.com"],
      ["1", "sub1.example.com"],
      ["1.", "sub1.example.com"],
      ["SUB0", "sub0.example.com"],
      ["foo", null],
      ["bar", null],
    ];
    for (const [term, expected] of cases) {
      const res = await call(request, "GET", `${FED}?destination=${encodeURIComponent(term)}`);
      expect(res.status, term).toBe(200);
      const body = res.json();
      expect(names(body), term).toEqual(expected ? [expected] : []);
      expect(body.total, term).toBe(expected ? 1 : 0);
    }
  });

  test("search: total counts the filtered set; paging and ordering apply to it", async ({ request }) => {
    const rows: SeedDestination[] = [
      "MATCH-1.example",
      "x.match.org",
      "aMaTcH.net",
      "nomatc.h.example",
      "other.example",
      "matchless.io",
      "Z-match.de",
      "plain.example",
      "m.a.t.c.h.example",
      "match.example",
      "rematch.example",
      "unrelated.example",
    ].map((destination, i) => ({
      destination,
      retry_last_ts: 1000 + i,
      retry_interval: (i % 3) * 10,
      failure_ts: i % 2 ? null : 500 + i,
    }));
    await seed(rows);
    const matching = rows.filter((r) => r.destination.toLowerCase().includes("match"));
    expect(matching.length).toBe(7);
    const first = (await call(request, "GET", `${FED}?destination=MaTcH&limit=3`)).json();
    expect(first.total).toBe(matching.length);
    expect(names(first)).toEqual(expectedOrder(matching).slice(0, 3));
    expect(first.next_token).toBe("3");
    const last = (await call(request, "GET", `${FED}?destination=match&from=6&limit=3`)).json();
    expect(last.total).toBe(7);
    expect(names(last)).toEqual(expectedOrder(matching).slice(6));
    expect(last).not.toHaveProperty("next_token");
    for (const col of ["failure_ts", "retry_interval"] as const) {
      const sorted = (await call(request, "GET", `${FED}?destination=match&order_by=${col}&dir=b`)).json();
      expect(sorted.total).toBe(7);
      expect(names(sorted), col).toEqual(expectedOrder(matching, col, "b"));
    }
  });

  test("search: '%', '_' and '\\' are taken literally", async ({ request }) => {
    const rows: SeedDestination[] = [
      "percent%sign.example",
      "percentXsign.example",
      "percentsign.example",
      "under_score.example",
      "underXscore.example",
      "underscore.example",
      "back\\slash.example",
      "backXslash.example",
      "plain.example",
    ].map((destination) => ({ destination }));
    await seed(rows);
    const search = async (term: string) => {
      const res = await call(request, "GET", `${FED}?destination=${encodeURIComponent(term)}`);
      expect(res.status, term).toBe(200);
      return res.json();
    };
    for (const term of ["t%s", "%", "r_s", "_", "k\\s", "\\", "%sign", "t_s", "x%"]) {
      const expected = rows.filter((r) => r.destination.toLowerCase().includes(term.toLowerCase()));
      const body = await search(term);
      expect(names(body), `search ${JSON.stringify(term)}`).toEqual(expectedOrder(expected));
      expect(body.total, `search ${JSON.stringify(term)}`).toBe(expected.length);
    }
  });

  test("search: an empty destination= filters nothing", async ({ request }) => {
    const rows = synapseDestinations(4);
    await seed(rows);
    const body = (await call(request, "GET", `${FED}?destination=`)).json();
    expect(body.total).toBe(4);
    expect(names(body)).toEqual(expectedOrder(rows));
  });
});

test.describe("list destinations: invalid parameters", () => {
  test("negative limit and from → 400 M_INVALID_PARAM (Synapse test_invalid_parameter)", async ({ request }) => {
    await seed(synapseDestinations(3));
    expectError(await call(request, "GET", `${FED}?limit=-5`), 400, ERR.negative("limit"));
    expectError(await call(request, "GET", `${FED}?from=-5`), 400, ERR.negative("from"));
    expectError(await call(request, "GET", `${FED}?from=-1&limit=5`), 400, ERR.negative("from"));
  });

  test("non-integer limit and from (float, words, empty, exponent, hex) → 400 M_INVALID_PARAM", async ({ request }) => {
    await seed(synapseDestinations(3));
    for (const name of ["limit", "from"]) {
      for (const v of ["1.5", "abc", "", "1e3", "0x10", "5abc", "-1.5", "NaN", "Infinity"]) {
        const res = await call(request, "GET", `${FED}?${name}=${encodeURIComponent(v)}`);
        expectError(res, 400, ERR.notInteger(name));
      }
    }
  });

  test("unknown order_by → 400 M_INVALID_PARAM listing the allowed columns", async ({ request }) => {
    await seed(synapseDestinations(3));
    for (const v of ["bar", "DESTINATION", "", "destination ", "room_id", "retry_last_ts;drop"]) {
      expectError(await call(request, "GET", `${FED}?order_by=${encodeURIComponent(v)}`), 400, ERR.orderBy);
    }
  });

  test("bad dir → 400 M_INVALID_PARAM", async ({ request }) => {
    await seed(synapseDestinations(3));
    for (const v of ["bar", "F", "B", "", "forwards", "asc"]) {
      const res = await call(request, "GET", `${FED}?dir=${encodeURIComponent(v)}`);
      expectError(res, 400, ERR.dir);
      expectApiHeaders(res);
    }
  });

  test("errors are JSON, never HTML, and carry the CORS headers", async ({ request }) => {
    await seed([]);
    const res = await call(request, "GET", `${FED}?limit=x`);
    expect(res.status).toBe(400);
    expectJson(res);
    expect(res.text).not.toMatch(/<html/i);
    expectApiHeaders(res);
  });
});
