// GET /_synapse/admin/v1/federation/destinations/<destination>
import { test, expect, seed, call, FED, type SeedDestination } from "../support/fixtures";
import { ERR, detailsOf, enc, expectError, expectRawInt, expectApiHeaders, listItem } from "./helpers";

test.describe("destination details", () => {
  test("a destination with retry timings shows them (Synapse test_get_single_destination_with_retry_timings)", async ({
    request,
  }) => {
    const row: SeedDestination = {
      destination: "sub0.example.com",
      failure_ts: 50,
      retry_last_ts: 50,
      retry_interval: 50,
      last_successful_stream_ordering: 100,
    };
    await seed([row, { destination: "sub1.example.com", retry_last_ts: 7, retry_interval: 8, failure_ts: 9 }]);
    const res = await call(request, "GET", `${FED}/sub0.example.com`);
    expect(res.status).toBe(200);
    expectApiHeaders(res);
    expect(res.json()).toEqual({
      destination: "sub0.example.com",
      last_successful_stream_ordering: 100,
      failure_ts: 50,
      retry_last_ts: 50,
      retry_interval: 50,
    });
  });

  test("a destination without retry timings (Synapse test_get_single_destination_no_retry_timings)", async ({
    request,
  }) => {
    await seed([{ destination: "sub0.example.com" }]);
    const res = await call(request, "GET", `${FED}/sub0.example.com`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      destination: "sub0.example.com",
      last_successful_stream_ordering: null,
      failure_ts: null,
      retry_last_ts: 0,
      retry_interval: 0,
    });
  });

  test("the reference example: matrix.org with a stream ordering and no timings", async ({ request }) => {
    await seed([{ destination: "matrix.org", last_successful_stream_ordering: 3606312 }]);
    const res = await call(request, "GET", `${FED}/matrix.org`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      destination: "matrix.org",
      last_successful_stream_ordering: 3606312,
      failure_ts: null,
      retry_last_ts: 0,
      retry_interval: 0,
    });
  });

  test("retry_last_ts 0 hides stored failure_ts and retry_interval (the list still shows them)", async ({
    request,
  }) => {
    const row: SeedDestination = {
      destination: "stale.example",
      retry_last_ts: 0,
      retry_interval: 600000,
      failure_ts: 1700000000000,
      last_successful_stream_ordering: 42,
    };
    await seed([row]);
    const res = await call(request, "GET", `${FED}/stale.example`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual(detailsOf(row));
    expect(res.json()).toEqual({
      destination: "stale.example",
      last_successful_stream_ordering: 42,
      failure_ts: null,
      retry_last_ts: 0,
      retry_interval: 0,
    });
    // the list reports the stored columns (only NULL retry timings read as 0)
    const list = (await call(request, "GET", FED)).json();
    expect(list.destinations).toEqual([listItem(row)]);
  });

  test("details equal the contract's projection for every seeded row", async ({ request }) => {
    const rows: SeedDestination[] = [
      {
        destination: "a.example",
        retry_last_ts: 1759927471863,
        retry_interval: 18639586,
        failure_ts: 1759466518121,
        last_successful_stream_ordering: 1910209,
      },
      {
        destination: "b.example",
        retry_last_ts: 1759864765117,
        retry_interval: 0,
        failure_ts: null,
        last_successful_stream_ordering: null,
      },
      {
        destination: "c.example",
        retry_last_ts: 0,
        retry_interval: 0,
        failure_ts: 5,
        last_successful_stream_ordering: 0,
      },
      { destination: "d.example" },
    ];
    await seed(rows);
    for (const row of rows) {
      const res = await call(request, "GET", `${FED}/${enc(row.destination)}`);
      expect(res.status, row.destination).toBe(200);
      expect(res.json(), row.destination).toEqual(detailsOf(row));
    }
  });

  test("unknown destination → 404 M_NOT_FOUND (Synapse test_invalid_parameter)", async ({ request }) => {
    await seed([{ destination: "known.example", retry_last_ts: 1, retry_interval: 1 }]);
    const res = await call(request, "GET", `${FED}/dummy`);
    expectError(res, 404, ERR.notFound);
    expectApiHeaders(res);
  });

  test("destination names match exactly (byte-wise), not case-insensitively or by prefix", async ({ request }) => {
    await seed([{ destination: "case.example", retry_last_ts: 1, retry_interval: 2 }]);
    for (const name of ["CASE.example", "case.example.", "case.exampl", " case.example", "case.example "]) {
      expectError(await call(request, "GET", `${FED}/${enc(name)}`), 404, ERR.notFound);
    }
    expect((await call(request, "GET", `${FED}/case.example`)).status).toBe(200);
  });

  test("unknown query parameters on details are ignored", async ({ request }) => {
    const row: SeedDestination = { destination: "q.example", retry_last_ts: 10, retry_interval: 20, failure_ts: 5 };
    await seed([row]);
    const res = await call(request, "GET", `${FED}/q.example?limit=-5&dir=bar&order_by=x`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual(detailsOf(row));
  });

  test("integers above 2^53 are exact in details (raw text)", async ({ request }) => {
    await seed([
      {
        destination: "big.example",
        retry_last_ts: 9223372036854775807n,
        retry_interval: 9007199254740993n,
        failure_ts: 9223372036854775806n,
        last_successful_stream_ordering: 9007199254740993n,
      },
    ]);
    const res = await call(request, "GET", `${FED}/big.example`);
    expect(res.status).toBe(200);
    expectRawInt(res.text, "retry_last_ts", 9223372036854775807n);
    expectRawInt(res.text, "retry_interval", 9007199254740993n);
    expectRawInt(res.text, "failure_ts", 9223372036854775806n);
    expectRawInt(res.text, "last_successful_stream_ordering", 9007199254740993n);
    expect(res.text).toMatch(/"destination"\s*:\s*"big\.example"/);
  });
});
